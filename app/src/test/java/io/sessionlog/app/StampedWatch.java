package io.sessionlog.app;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;

/** Watches the events topic from its current end: when does the next stamped (committed) record become visible? */
final class StampedWatch implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;

    StampedWatch(final String bootstrap, final String topic) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    /** The moment (System.nanoTime) the next committed record was seen. */
    long awaitFirstRecordNanos(final Duration timeout) {
        final long[] seen = {0};
        Awaitility.await("a stamped record").atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    if (!consumer.poll(Duration.ofMillis(5)).isEmpty()) {
                        seen[0] = System.nanoTime();
                    }
                    return seen[0] != 0;
                });
        return seen[0];
    }

    @Override
    public void close() {
        consumer.close();
    }
}
