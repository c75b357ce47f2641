package io.sessionlog.benchmarks;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * How many session views each commit wrote, against how many sessions it touched. A transaction's commit marker
 * takes an offset of each partition it wrote to, so a read_committed reader of the sessions topic sees a gap in the
 * offsets between two transactions: the records between two gaps are one commit's.
 */
final class SessionsPerCommit {

    private SessionsPerCommit() {
    }

    static void print(final String bootstrap, final String sessionsTopic) {
        long records = 0;
        long touched = 0;
        long commits = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", "read_committed", "max.poll.records", 5000), new StringDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(sessionsTopic).stream()
                    .map(info -> new TopicPartition(sessionsTopic, info.partition())).toList();
            for (final TopicPartition partition : partitions) {
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                final long end = consumer.endOffsets(List.of(partition)).get(partition);
                long previous = -2;
                final Set<String> keys = new HashSet<>();
                while (consumer.position(partition) < end) {
                    for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        if (record.offset() != previous + 1) {
                            touched += keys.size();
                            commits += keys.isEmpty() ? 0 : 1;
                            keys.clear();
                        }
                        keys.add(record.key());
                        records++;
                        previous = record.offset();
                    }
                }
                touched += keys.size();
                commits += keys.isEmpty() ? 0 : 1;
            }
        }
        System.out.printf(Locale.ROOT, "  %s: %,d session views in %,d commits (per partition): %.1f views and %.1f sessions touched per commit, "
                + "%.2f views per session touched%n", sessionsTopic, records, commits, (double) records / commits, (double) touched / commits,
                (double) records / touched);
    }
}
