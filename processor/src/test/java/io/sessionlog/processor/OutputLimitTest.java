package io.sessionlog.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventAppended;
import io.sessionlog.schemas.avro.SessionPatched;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.registry.MockSchemaRegistry;
import io.sessionlog.schemas.serde.SpecificAvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An intent whose stamped event or session view would be larger than the output topics take goes to rejected with
 * the reason before anything of it is written: refused by the broker, it would abort the transaction every time.
 */
class OutputLimitTest {

    private static final String SCOPE = "output-limit-test";
    private static final Topics TOPICS = new Topics("t.");
    private static final int LIMIT = 2048;

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, WriteIntent> raw;
    private TestOutputTopic<String, StampedEvent> events;
    private TestOutputTopic<String, SessionView> sessions;
    private TestOutputTopic<String, byte[]> rejected;

    @BeforeEach
    void start() {
        final Map<String, Object> serde = Map.of("schema.registry.url", "mock://" + SCOPE);
        final ProcessorConfig config = new ProcessorConfig(Map.of("schema.registry.url", "mock://" + SCOPE,
                "topic.prefix", "t.", ProcessorConfig.STATE_DIR, stateDir.toString(), ProcessorConfig.MAX_OUTPUT_BYTES, LIMIT));
        final Properties props = config.streamsProperties();
        props.put("bootstrap.servers", "unused:9092");
        props.put("processing.guarantee", "at_least_once");
        driver = new TopologyTestDriver(ProcessorTopology.build(config), props);
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
    void anEventTooLargeToWriteIsRejectedAndTakesNoOffset() {
        raw.pipeInput("s", Intents.event("s", "a"));
        final WriteIntent large = Intents.event("s", "large");
        final CanonicalEvent event = ((EventAppended) large.getIntent()).getEvent();
        event.setDataJson("{\"type\":\"message\",\"parts\":[],\"text\":\"" + "x".repeat(LIMIT) + "\"}");
        raw.pipeInput("s", large);
        raw.pipeInput("s", Intents.event("s", "b"));

        final String reason = reason(rejected.readRecord());
        assertTrue(reason.startsWith("its stamped event would be ") && reason.endsWith(" bytes, over processor.max.output.bytes (2048)"),
                reason);
        assertEquals(List.of("a@0", "b@1"), events.readValuesToList().stream()
                .map(e -> e.getEvent().getEventId() + "@" + e.getOffset()).toList());
        assertEquals(2, lastView().getEventCount());
    }

    @Test
    void aPatchThatWouldGrowTheViewPastTheLimitIsRejectedAndLeavesTheView() {
        raw.pipeInput("s", Intents.event("s", "a"));
        final Map<String, Long> consumers = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            consumers.put("consumer-" + i, 0L);
        }
        raw.pipeInput("s", WriteIntent.newBuilder().setSessionKey("s").setIngestedAt(Intents.T0)
                .setIntent(SessionPatched.newBuilder().setConsumptionOffsets(consumers).build()).build());
        raw.pipeInput("s", Intents.event("s", "b"));

        assertTrue(reason(rejected.readRecord()).startsWith("its session view would be "));
        final SessionView view = lastView();
        assertEquals(Map.of("client", 0L), view.getConsumptionOffsets(), "the refused patch changed nothing");
        assertEquals(1, view.getLastOffset());
    }

    private SessionView lastView() {
        final List<SessionView> views = sessions.readValuesToList();
        return views.get(views.size() - 1);
    }

    private static String reason(final TestRecord<String, byte[]> record) {
        return new String(record.headers().lastHeader(RejectedRecords.REASON).value(), StandardCharsets.UTF_8);
    }
}
