package io.sessionlog.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What a topic holds for a test: every committed value, each partition's in its order, read to the end. */
public final class CommittedRecords {

    private CommittedRecords() {
    }

    /** The values of every committed record of {@code topic} (read_committed), partition by partition. */
    public static <V> List<V> values(final String bootstrapServers, final String topic, final Deserializer<V> values) {
        final List<V> records = new ArrayList<>();
        forEach(bootstrapServers, topic, values, record -> records.add(record.value()));
        return records;
    }

    /**
     * The committed records of a topic written by one transactional producer per partition (a Streams task's), grouped
     * by transaction, each partition's in its order. Every commit ends with a marker that takes an offset, so the
     * records of one transaction are contiguous and a gap in the offsets a read_committed reader sees is a boundary.
     */
    public static <V> List<List<ConsumerRecord<String, V>>> transactions(final String bootstrapServers, final String topic,
                                                                          final Deserializer<V> values) {
        final Map<Integer, List<List<ConsumerRecord<String, V>>>> byPartition = new HashMap<>();
        final Map<Integer, Long> lastOffset = new HashMap<>();
        forEach(bootstrapServers, topic, values, record -> {
            final List<List<ConsumerRecord<String, V>>> groups = byPartition.computeIfAbsent(record.partition(), p -> new ArrayList<>());
            final Long previous = lastOffset.put(record.partition(), record.offset());
            if (previous == null || record.offset() != previous + 1) {
                groups.add(new ArrayList<>());
            }
            groups.get(groups.size() - 1).add(record);
        });
        return byPartition.values().stream().flatMap(List::stream).toList();
    }

    private static <V> void forEach(final String bootstrapServers, final String topic, final Deserializer<V> values,
                                    final Consumer<ConsumerRecord<String, V>> action) {
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000), new StringDeserializer(), values)) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(500)).forEach(action);
            }
        }
    }
}
