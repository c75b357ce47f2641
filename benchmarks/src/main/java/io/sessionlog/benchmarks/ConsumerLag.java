package io.sessionlog.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** How far a Streams app (its consumer group) has consumed a topic, from the offsets it committed. */
final class ConsumerLag {

    private final Admin admin;

    ConsumerLag(final Admin admin) {
        this.admin = admin;
    }

    long committed(final String group) throws Exception {
        return committed(group, topic -> true);
    }

    /** The group's committed offsets summed over the partitions of {@code topics} only. */
    long committed(final String group, final java.util.Set<String> topics) throws Exception {
        return committed(group, topics::contains);
    }

    private long committed(final String group, final java.util.function.Predicate<String> topic) throws Exception {
        final Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        return offsets.entrySet().stream().filter(e -> e.getValue() != null && topic.test(e.getKey().topic()))
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    int partitions(final String topic) throws Exception {
        return admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(topic).partitions().size();
    }

    long end(final String topic) throws Exception {
        final int partitions = partitions(topic);
        final Map<TopicPartition, OffsetSpec> request = java.util.stream.IntStream.range(0, partitions).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
        final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(request).all().get(10, TimeUnit.SECONDS);
        return ends.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    }

    /**
     * Records per second of the group over {@code total} records: timed from its first commit to the commit that
     * reaches the end, so start-up and the first rebalance are not counted.
     */
    double throughput(final String group, final long total, final java.util.function.LongConsumer progress) throws Exception {
        long firstCount = -1;
        long firstTime = 0;
        while (true) {
            final long done = committed(group);
            final long now = System.nanoTime();
            if (done > 0 && firstCount < 0) {
                firstCount = done;
                firstTime = now;
            }
            progress.accept(done);
            if (done >= total) {
                return (done - firstCount) / ((now - firstTime) / 1e9);
            }
            Thread.sleep(100);
        }
    }
}
