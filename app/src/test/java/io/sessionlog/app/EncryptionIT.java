package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.sessionlog.app.erasure.ErasureReport;
import io.sessionlog.privacy.KeyRef;
import io.sessionlog.privacy.PrivacyConfig;
import io.sessionlog.privacy.StampedEventDeserializer;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * privacy.encryption on a real broker: sessions of all three origins written with distinctive plaintext. Readers of
 * the HTTP API and consumers with the unsealing deserializer read it plain; no record of any topic of the app (raw,
 * events, sessions, keys, every changelog and repartition topic) holds it; after a hard delete the session's keys are
 * tombstones and nothing opens its content any more, while another session's still opens.
 */
@ExtendWith(SharedKafkaCluster.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EncryptionIT {

    private static final String PREFIX = "encryption-" + System.nanoTime() + ".";
    private static final String MASTER = "it-1:" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    private static final String SECRET = "Zanzibar-4111-plaintext";
    private static final String FLUX0 = "sealed-flux0";
    private static final String SYLLABLE = "sealed-call";
    private static final String INKEEP = "sealed-conv";
    private static final String ERASED = "sealed-erased";

    private static Sessionlog app;
    private static Http http;

    @BeforeAll
    static void write() {
        app = TestApps.start(PREFIX, Map.of(PrivacyConfig.ENCRYPTION, "true", PrivacyConfig.MASTER_KEYS, MASTER));
        http = new Http(app.httpUrl());
        for (final String session : List.of(FLUX0, ERASED)) {
            assertEquals(202, http.post("/v1/sessions", """
                    {"id": "%s", "agent_id": "agent-1", "user_id": "customer-1", "title": "Title %s"}""".formatted(session, SECRET)).status());
            assertEquals(202, http.post("/v1/sessions/" + session + "/events", """
                    {"id": "%s-e1", "correlation_id": "RID(r1)::a", "type": "message", "source": "user",
                     "data": {"type": "message", "parts": [{"type": "content", "content": "my card is %s"}]},
                     "metadata": {"note": "%s"}, "created_at": "2025-01-29T09:27:41Z"}""".formatted(session, SECRET, SECRET)).status());
            assertEquals(202, http.post("/v1/sessions/" + session + "/events", """
                    {"id": "%s-e2", "correlation_id": "RID(r1)::b", "type": "status", "source": "ai_agent",
                     "data": {"type": "status", "status": "typing", "data": {"detail": "%s"}}, "created_at": "2025-01-29T09:27:42Z"}"""
                    .formatted(session, SECRET)).status());
        }
        assertEquals(202, http.post("/v1/syllable/events", """
                {"session_id": "%s", "user_id": "caller-9", "source": "tool-call", "category": "automation", "type": "phone-transfer",
                 "description": "caller said %s", "attributes": {"said": "%s"}, "timestamp": "2025-03-07T14:02:11.482Z"}"""
                .formatted(SYLLABLE, SECRET, SECRET)).status());
        assertEquals(200, http.post("/v1/inkeep/events", """
                {"type": "message:sent", "entityType": "conversation", "conversationId": "%s",
                 "properties": {"said": "%s"}, "userProperties": {"email": "%s@example.com"}}""".formatted(INKEEP, SECRET, SECRET)).status());
        for (final String session : List.of(FLUX0, ERASED)) {
            http.awaitGet("/v1/sessions/" + session + "/events", a -> a.status() == 200 && a.body().get("data").size() == 2, Duration.ofSeconds(30));
        }
        http.awaitGet("/v1/sessions/" + SYLLABLE, a -> a.status() == 200, Duration.ofSeconds(30));
        http.awaitGet("/v1/sessions/" + INKEEP, a -> a.status() == 200, Duration.ofSeconds(30));
        assertEquals(204, http.delete("/v1/sessions/" + ERASED).status());
        http.awaitGet("/v1/sessions/" + ERASED, a -> a.status() == 404, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void readersOfTheHttpApiGetWhatWasSent() {
        final Http.Answer events = http.get("/v1/sessions/" + FLUX0 + "/events");
        assertEquals("my card is " + SECRET, events.body().get("data").get(0).get("data").get("parts").get(0).get("content").asText());
        assertEquals(SECRET, events.body().get("data").get(0).get("metadata").get("note").asText());
        assertEquals(SECRET, events.body().get("data").get(1).get("data").get("data").get("detail").asText(), "a status event's whole data");
        final Http.Answer session = http.get("/v1/sessions/" + FLUX0 + "?include=stats");
        assertEquals("Title " + SECRET, session.body().get("title").asText());
        assertEquals("typing", session.body().get("stats").get("last_status").asText(), "the processor read the status word");
        final String syllable = http.get("/v1/syllable/events?limit=100").body().toString();
        assertTrue(syllable.contains("caller said " + SECRET), syllable);
        final String inkeep = http.get("/v1/sessions/" + INKEEP + "/events").body().toString();
        assertTrue(inkeep.contains(SECRET + "@example.com"), inkeep);
    }

    @Test
    void aJavaConsumerWithTheUnsealingDeserializerReadsPlainEvents() {
        final List<StampedEvent> events = consumeEvents();
        final StampedEvent first = events.stream().filter(e -> e.getSessionKey().equals(FLUX0) && e.getOffset() == 0).findFirst().orElseThrow();
        assertNull(first.getEvent().getSealed());
        assertTrue(first.getEvent().getDataJson().contains(SECRET), first.getEvent().getDataJson());
        assertTrue(new String(first.getEvent().getRaw().array(), StandardCharsets.UTF_8).contains(SECRET), "the producer's document");
        final StampedEvent call = events.stream().filter(e -> e.getSessionKey().equals(SYLLABLE)).findFirst().orElseThrow();
        assertEquals("caller said " + SECRET, call.getEvent().getDescription());
    }

    @Test
    void noRecordOfAnyTopicOfTheAppHoldsThePlaintextOrTheMasterKey() throws Exception {
        final List<String> topics;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", app.bootstrapServers()))) {
            topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream().filter(name -> name.startsWith(PREFIX)).sorted().toList();
        }
        assertTrue(topics.containsAll(new Topics(PREFIX).all()), topics.toString());
        assertTrue(topics.stream().filter(t -> t.endsWith("-changelog")).count() >= 10, "every changelog is scanned: " + topics);
        final byte[] master = Base64.getDecoder().decode(MASTER.substring(MASTER.indexOf(':') + 1));
        long scanned = 0;
        for (final String topic : topics) {
            for (final ConsumerRecord<byte[], byte[]> record : everyRecord(topic)) {
                scanned++;
                for (final byte[] bytes : bytesOf(record)) {
                    assertFalse(contains(bytes, SECRET.getBytes(StandardCharsets.UTF_8)), "plaintext in " + topic + " at " + record.offset());
                    assertFalse(contains(bytes, master), "the master key in " + topic);
                }
            }
        }
        assertTrue(scanned > 20, "the scan read the records: " + scanned);
    }

    @Test
    void afterAHardDeleteTheSessionsKeysAreTombstonesAndNothingOpensItsContent() {
        final String keysTopic = new Topics(PREFIX).keys();
        final List<ConsumerRecord<byte[], byte[]>> keys = everyRecord(keysTopic);
        final List<ConsumerRecord<byte[], byte[]>> ofErased = keys.stream()
                .filter(r -> KeyRef.parse(new String(r.key(), StandardCharsets.UTF_8)).session().equals(ERASED)).toList();
        assertFalse(ofErased.isEmpty());
        assertNull(ofErased.get(ofErased.size() - 1).value(), "the last record of the erased session's key is a tombstone");
        final int partition = KeyRef.partitionOf(ERASED, 4);
        ofErased.forEach(r -> assertEquals(partition, r.partition(), "a session's keys live on its own partition"));

        final List<StampedEvent> events = consumeEvents();
        final List<StampedEvent> erased = events.stream().filter(e -> e.getSessionKey().equals(ERASED)).toList();
        assertEquals(2, erased.size(), "the erased session's records are still on the events topic, until its retention");
        for (final StampedEvent event : erased) {
            assertNotNull(event.getEvent().getSealed(), "still sealed: its key is destroyed");
            assertNull(event.getEvent().getMetadataJson());
            assertEquals(0, event.getEvent().getRaw().remaining());
        }
        assertTrue(events.stream().filter(e -> e.getSessionKey().equals(FLUX0)).allMatch(e -> e.getEvent().getSealed() == null),
                "another session still opens");
    }

    @Test
    void theErasureReportFindsEveryCopyUnreadableOrGone() throws Exception {
        final Map<String, ErasureReport.Finding> erased = report(ERASED);
        for (final String topic : List.of("events.raw", "events")) {
            assertEquals(ErasureReport.Status.UNREADABLE, erased.get(topic).status(), topic + ": " + erased.get(topic));
            assertTrue(erased.get(topic).records() >= 2, erased.get(topic).toString());
        }
        assertNull(erased.get("events").until(), "events keeps its records: retained, but sealed with destroyed keys");
        assertNotNull(erased.get("events.raw").until(), "events.raw's retention removes them");
        for (final String place : List.of("sessions", "processor session-state", "projections events-by-session-offset",
                "projections session-views")) {
            final ErasureReport.Finding finding = erased.get(place);
            assertTrue(finding.status() == ErasureReport.Status.UNREADABLE || finding.status() == ErasureReport.Status.GONE,
                    place + ": " + finding);
        }
        assertEquals(ErasureReport.Status.DESTROYED, erased.get("keys").status(), erased.get("keys").toString());
        assertTrue(erased.values().stream().noneMatch(f -> f.status() == ErasureReport.Status.READABLE), erased.toString());

        final Map<String, ErasureReport.Finding> live = report(FLUX0);
        assertEquals(ErasureReport.Status.READABLE, live.get("events").status(), "a live session's content opens with its key");
        assertEquals(ErasureReport.Status.READABLE, live.get("keys").status());
    }

    static Map<String, ErasureReport.Finding> report(final String session) throws Exception {
        final ErasureReport report = new ErasureReport(Map.of("bootstrap.servers", app.bootstrapServers()),
                Map.of("schema.registry.url", app.registryUrl().orElseThrow()), new Topics(PREFIX), PREFIX + "processor",
                PREFIX + "projections", System.out);
        final Map<String, ErasureReport.Finding> byPlace = new HashMap<>();
        report.of(session).forEach(finding -> byPlace.put(finding.place(), finding));
        return byPlace;
    }

    /** Every value of the events topic, opened by a consumer configured as docs/privacy.md says; tombstones left out. */
    private static List<StampedEvent> consumeEvents() {
        final Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", app.bootstrapServers());
        config.put("schema.registry.url", app.registryUrl().orElseThrow());
        config.put("topic.prefix", PREFIX);
        config.put("privacy.encryption", "true");
        config.put("privacy.master.keys", MASTER);
        config.put("isolation.level", "read_committed");
        final List<StampedEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, StampedEvent> consumer = new KafkaConsumer<>(config, new StringDeserializer(), configured(config))) {
            final String topic = new Topics(PREFIX).events();
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.value() != null) {
                        events.add(r.value());
                    }
                });
            }
        }
        return events;
    }

    private static StampedEventDeserializer configured(final Map<String, Object> config) {
        final StampedEventDeserializer values = new StampedEventDeserializer();
        values.configure(config, false);
        return values;
    }

    /** Every record of {@code topic}, committed or not, from its start to its end now. */
    private static List<ConsumerRecord<byte[], byte[]>> everyRecord(final String topic) {
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", app.bootstrapServers(),
                "isolation.level", "read_uncommitted"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static List<byte[]> bytesOf(final ConsumerRecord<byte[], byte[]> record) {
        final List<byte[]> parts = new ArrayList<>();
        if (record.key() != null) {
            parts.add(record.key());
        }
        if (record.value() != null) {
            parts.add(record.value());
        }
        for (final Header header : record.headers()) {
            if (header.value() != null) {
                parts.add(header.value());
            }
        }
        return parts;
    }

    /** Whether {@code needle} occurs in {@code haystack}, byte for byte (ISO-8859-1 maps every byte to one char). */
    private static boolean contains(final byte[] haystack, final byte[] needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(new String(needle, StandardCharsets.ISO_8859_1));
    }
}
