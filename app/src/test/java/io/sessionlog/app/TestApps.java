package io.sessionlog.app;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.sessionlog.testsupport.CommittedRecords;
import io.sessionlog.testsupport.SharedKafkaCluster;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.serde.SpecificAvroDeserializer;

/** Apps of the integration tests on the shared broker, each with topics, groups and a registry topic of its own. */
final class TestApps {

    private TestApps() {
    }

    /** Every role and the registry; {@code extra} settings win. Returns once /health/ready answers 200 (if open). */
    static Sessionlog start(final String prefix, final Map<String, String> extra) {
        final Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", SharedKafkaCluster.bootstrapServers());
        settings.put(AppConfig.ROLES, "ingest,processor,projections,registry");
        settings.put("registry.port", "0");
        settings.put("registry.topic", prefix + "_schemas");
        settings.put(AppConfig.HTTP_PORT, "0");
        settings.put(AppConfig.DATA_DIR, SharedKafkaCluster.newTestDir(prefix.replace(".", "")).toString());
        settings.put("topic.prefix", prefix);
        settings.put("topic.partitions", "4");
        settings.put("processor.application.id", prefix + "processor");
        settings.put("projections.application.id", prefix + "projections");
        settings.putAll(extra);
        final Sessionlog app = Sessionlog.start(settings);
        new Http(app.httpUrl()).awaitGet("/health/ready", a -> a.status() == 200, Duration.ofSeconds(60));
        return app;
    }

    /**
     * The app's rejected records (read-committed, from the start), polled until {@code done} holds for those seen, or
     * fails after {@code timeout}.
     */
    static List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> awaitRejected(final String prefix,
            final java.util.function.Predicate<List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>>> done,
            final Duration timeout) {
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                Map.of("bootstrap.servers", SharedKafkaCluster.bootstrapServers(), "group.id", prefix + "rejected-reader-" + System.nanoTime(),
                        "auto.offset.reset", "earliest", "isolation.level", "read_committed"),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.subscribe(List.of(new Topics(prefix).rejected()));
            final List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> seen = new java.util.ArrayList<>();
            org.awaitility.Awaitility.await("rejected records").atMost(timeout).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return done.test(seen);
            });
            return seen;
        }
    }

    /** The sum of the end offsets of the app's events.raw partitions: what a test compares to prove nothing was written. */
    static long rawEndOffsets(final Sessionlog app, final String prefix) {
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                Map.of("bootstrap.servers", app.bootstrapServers()), new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            final String topic = new Topics(prefix).raw();
            return consumer.endOffsets(consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList())
                    .values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Every write intent on the app's events.raw topic so far (read to the end offsets of now). */
    static List<WriteIntent> rawIntents(final Sessionlog app, final String prefix) {
        final SpecificAvroDeserializer<WriteIntent> values = new SpecificAvroDeserializer<>(WriteIntent.class);
        values.configure(Map.of("schema.registry.url", app.registryUrl().orElseThrow()), false);
        return CommittedRecords.values(app.bootstrapServers(), new Topics(prefix).raw(), values);
    }
}
