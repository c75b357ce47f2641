package io.sessionlog.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.registry.MockSchemaRegistry;
import io.sessionlog.schemas.serde.SpecificAvroSerde;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessorTopologyTest {

    private static final String SCOPE = "processor-test";
    private static final Topics TOPICS = new Topics("t.");

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ALWAYS)
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, WriteIntent> raw;
    private TestOutputTopic<String, StampedEvent> events;
    private TestOutputTopic<String, SessionView> sessions;
    private TestOutputTopic<String, byte[]> rejected;

    @BeforeEach
    void start() {
        final Map<String, Object> serde = Map.of("schema.registry.url", "mock://" + SCOPE);
        final ProcessorConfig config = new ProcessorConfig(Map.of(
                "schema.registry.url", "mock://" + SCOPE, "topic.prefix", "t.",
                ProcessorConfig.STATE_DIR, stateDir.toString()));
        final Properties props = config.streamsProperties();
        props.put("bootstrap.servers", "unused:9092");
        // TopologyTestDriver simulates exactly-once by opening a transaction per processed record, after records are
        // deserialized: a dead-letter record from the deserialization handler is then sent outside any transaction
        // and lost by the driver. Same topology; ProcessorIT checks the exactly-once path on a real broker.
        props.put("processing.guarantee", "at_least_once");
        driver = new TopologyTestDriver(ProcessorTopology.build(TOPICS, serde), props);
        raw = driver.createInputTopic(TOPICS.raw(), Serdes.String().serializer(),
                SpecificAvroSerde.forValues(WriteIntent.class, serde).serializer());
        events = driver.createOutputTopic(TOPICS.events(), Serdes.String().deserializer(),
                SpecificAvroSerde.forValues(StampedEvent.class, serde).deserializer());
        sessions = driver.createOutputTopic(TOPICS.sessions(), Serdes.String().deserializer(),
                SpecificAvroSerde.forValues(SessionView.class, serde).deserializer());
        rejected = driver.createOutputTopic(TOPICS.rejected(), Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void stampsOffsetsFromZeroPerSessionOverManyInterleavedSessions() {
        final Random random = new Random(42);
        final Map<String, Integer> sent = new HashMap<>();
        final List<String> order = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            final String session = "s" + random.nextInt(50);
            final int n = sent.merge(session, 1, Integer::sum);
            order.add(session);
            raw.pipeInput(session, Intents.event(session, session + "-e" + n));
        }
        final Map<String, Long> next = new HashMap<>();
        final List<StampedEvent> stamped = events.readValuesToList();
        assertEquals(2_000, stamped.size());
        for (final StampedEvent event : stamped) {
            final long expected = next.merge(event.getSessionKey(), 1L, Long::sum) - 1;
            assertEquals(expected, event.getOffset(), "offsets of " + event.getSessionKey() + " are 0, 1, 2... in order");
            assertEquals(event.getSessionKey() + "-e" + (expected + 1), event.getEvent().getEventId());
        }
        sent.forEach((session, count) -> assertEquals(count - 1L, lastView(session).getLastOffset()));
    }

    @Test
    void aDuplicateIdIsCountedNotStamped() {
        raw.pipeInput("s", Intents.event("s", "a"));
        raw.pipeInput("s", Intents.event("s", "b"));
        raw.pipeInput("s", Intents.event("s", "a"));
        raw.pipeInput("s", Intents.event("s", "c"));
        assertEquals(List.of(0L, 1L, 2L), events.readValuesToList().stream().map(StampedEvent::getOffset).toList());
        final SessionView view = lastView("s");
        assertEquals(3, view.getEventCount());
        assertEquals(1, view.getDuplicateCount());
    }

    @Test
    void createsASessionImplicitlyFromItsFirstEvent() {
        raw.pipeInput("zv3h4j5Fjv", Intents.event("zv3h4j5Fjv", "o5kf8vKzI5"));
        final SessionView view = lastView("zv3h4j5Fjv");
        assertEquals("zv3h4j5Fjv", view.getId());
        assertEquals(Intents.T0, view.getCreatedAt());
        assertEquals(Map.of("client", 0L), view.getConsumptionOffsets());
        assertNull(view.getAgentId());
    }

    @Test
    void sendsUnreadableBytesToRejectedAndKeepsRunning() {
        final TestInputTopic<String, byte[]> corrupt = driver.createInputTopic(TOPICS.raw(), Serdes.String().serializer(),
                new ByteArraySerializer());
        final byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        corrupt.pipeInput("s", garbage);
        raw.pipeInput("s", Intents.event("s", "a"));

        final TestRecord<String, byte[]> refused = rejected.readRecord();
        assertEquals(new String(garbage, StandardCharsets.UTF_8), new String(refused.value(), StandardCharsets.UTF_8));
        assertEquals("processor.deserialize", header(refused, RejectedRecords.STAGE));
        assertTrue(header(refused, RejectedRecords.REASON).contains("magic byte"), header(refused, RejectedRecords.REASON));
        assertEquals(TOPICS.raw(), header(refused, RejectedRecords.SOURCE_TOPIC));
        assertEquals("0", header(refused, RejectedRecords.SOURCE_OFFSET));
        assertEquals(0L, events.readValue().getOffset(), "the next record is processed");
    }

    private SessionView lastView(final String session) {
        SessionView last = null;
        for (final var record : sessions.readKeyValuesToList()) {
            if (record.key.equals(session)) {
                last = record.value;
            }
        }
        return last != null ? last : driver.<String, SessionView>getKeyValueStore(ProcessorNames.SESSIONS_STORE).get(session);
    }

    private static String header(final TestRecord<String, byte[]> record, final String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
