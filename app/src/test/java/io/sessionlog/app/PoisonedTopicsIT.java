package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.sessionlog.testsupport.SharedKafkaCluster;
import io.sessionlog.processor.RejectedRecords;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.serde.SpecificAvroSerializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every kind of malformed record produced straight to {@code events.raw} of a real broker, under exactly-once: each
 * reaches rejected with its reason, the processor keeps stamping other sessions, and no session's offsets change.
 * The events topic here takes records of at most 8 KB, so a large event is refused by the broker itself.
 */
@ExtendWith(SharedKafkaCluster.class)
class PoisonedTopicsIT {

    private static final String PREFIX = "poison-" + System.nanoTime() + ".";
    private static final Topics TOPICS = new Topics(PREFIX);
    private static final int EVENTS_TOPIC_MAX_BYTES = 8 * 1024;
    private static Sessionlog app;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafkaCluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPICS.events(), 4, (short) 1).configs(Map.of(
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(EVENTS_TOPIC_MAX_BYTES))))).all().get(30, TimeUnit.SECONDS);
        }
        app = TestApps.start(PREFIX, Map.of());
        http = new Http(app.httpUrl());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void everyMalformedRawRecordIsRejectedWithItsReasonAndStampingGoesOn() {
        for (int i = 0; i < 3; i++) {
            assertEquals(202, http.post("/v1/sessions/base/events", event("base-" + i, "hi")).status());
        }
        awaitOffsets("base", List.of(0L, 1L, 2L));
        final WriteIntent valid = TestApps.rawIntents(app, PREFIX).get(0);
        final byte[] validBytes = serializer().serialize(TOPICS.raw(), valid);
        final WriteIntent otherEvent = WriteIntent.newBuilder(valid).build();
        final byte[] trailing = Arrays.copyOf(validBytes, validBytes.length + 2);
        final byte[] unknownSchema = validBytes.clone();
        unknownSchema[1] = 0x7f;

        final List<String> sent = List.of("null key", "mismatched key", "tombstone", "trailing bytes", "unknown schema id",
                "corrupt bytes");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", SharedKafkaCluster.bootstrapServers(), "max.request.size", 8 * 1024 * 1024),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(poison(null, validBytes, sent.get(0)));
            producer.send(poison(utf8("other"), serializer().serialize(TOPICS.raw(), otherEvent), sent.get(1)));
            producer.send(poison(utf8("base"), null, sent.get(2)));
            producer.send(poison(utf8("base"), trailing, sent.get(3)));
            producer.send(poison(utf8("base"), unknownSchema, sent.get(4)));
            producer.send(poison(utf8("base"), utf8("\u0000\u0000garbage"), sent.get(5)));
            producer.flush();
        }
        // Through ingest, valid for the raw topic, but its stamped event is larger than the events topic takes.
        // Random text, so that compression does not bring it under the limit.
        final byte[] noise = new byte[2 * EVENTS_TOPIC_MAX_BYTES];
        new java.util.Random(7).nextBytes(noise);
        final String text = java.util.Base64.getEncoder().encodeToString(noise);
        assertEquals(202, http.post("/v1/sessions/large/events", event("large-0", text)).status());

        final List<ConsumerRecord<byte[], byte[]>> rejected = TestApps.awaitRejected(PREFIX, seen -> seen.size() >= sent.size() + 1,
                Duration.ofSeconds(90));
        for (final String name : sent) {
            final ConsumerRecord<byte[], byte[]> record = rejected.stream()
                    .filter(r -> name.equals(header(r, "test.case"))).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " did not reach rejected: " + rejected.size() + " did"));
            assertTrue(header(record, RejectedRecords.REASON) != null && !header(record, RejectedRecords.REASON).isBlank(), name);
            assertEquals(TOPICS.raw(), header(record, RejectedRecords.SOURCE_TOPIC), name);
        }
        final ConsumerRecord<byte[], byte[]> large = rejected.stream()
                .filter(r -> header(r, "test.case") == null && "large".equals(key(r))).findFirst()
                .orElseThrow(() -> new AssertionError("the event too large for the events topic did not reach rejected"));
        assertEquals("processor.produce", header(large, RejectedRecords.STAGE));
        assertTrue(header(large, RejectedRecords.REASON).contains(TOPICS.events()), header(large, RejectedRecords.REASON));

        assertEquals(202, http.post("/v1/sessions/after/events", event("after-0", "hi")).status());
        assertEquals(202, http.post("/v1/sessions/base/events", event("base-3", "hi")).status());
        awaitOffsets("after", List.of(0L));
        awaitOffsets("base", List.of(0L, 1L, 2L, 3L));
        assertEquals(404, http.get("/v1/sessions/other").status(), "the mismatched key made no session of its own");
        // The view comes from the sessions topic, applied apart from the events: wait until it has caught up with them.
        assertEquals(4, http.awaitGet("/v1/sessions/base?include=stats", a -> a.status() == 200
                && a.body().get("stats").get("event_count").asInt() >= 4, Duration.ofSeconds(30))
                .body().get("stats").get("event_count").asInt(), "base holds its own four events");
        assertEquals(404, http.get("/v1/sessions/large").status(), "the refused event made no session");
    }

    private static void awaitOffsets(final String session, final List<Long> offsets) {
        final Http.Answer answer = http.awaitGet("/v1/sessions/" + session + "/events",
                a -> a.status() == 200 && a.body().get("data").size() >= offsets.size(), Duration.ofSeconds(90));
        assertEquals(offsets, Http.offsets(answer), session);
    }

    private static ProducerRecord<byte[], byte[]> poison(final byte[] key, final byte[] value, final String name) {
        final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPICS.raw(), 0, key, value);
        record.headers().add("test.case", utf8(name));
        return record;
    }

    private static SpecificAvroSerializer<WriteIntent> serializer() {
        final SpecificAvroSerializer<WriteIntent> serializer = new SpecificAvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", app.registryUrl().orElseThrow()), false);
        return serializer;
    }

    private static String header(final ConsumerRecord<byte[], byte[]> record, final String name) {
        final var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String key(final ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String event(final String id, final String text) {
        return "{\"id\":\"" + id + "\",\"correlation_id\":\"RID(p)::t\",\"type\":\"message\",\"source\":\"user\","
                + "\"data\":{\"type\":\"message\",\"parts\":[{\"type\":\"content\",\"content\":\"" + text + "\"}]},"
                + "\"created_at\":\"2025-01-29T09:27:41Z\"}";
    }
}
