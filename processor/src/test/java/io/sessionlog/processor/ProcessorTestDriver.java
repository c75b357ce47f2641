package io.sessionlog.processor;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.registry.MockSchemaRegistry;
import io.sessionlog.schemas.serde.SpecificAvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The processor topology in a TopologyTestDriver, with its topics typed, for the unit tests (topic prefix {@code t.}). */
final class ProcessorTestDriver implements AutoCloseable {

    static final Topics TOPICS = new Topics("t.");

    final TopologyTestDriver driver;
    final TestInputTopic<String, WriteIntent> raw;
    final TestOutputTopic<String, StampedEvent> events;
    final TestOutputTopic<String, SessionView> sessions;
    final TestOutputTopic<String, byte[]> rejected;
    private final String scope;

    /** @param settings processor settings beside the registry scope, the prefix and the state folder */
    ProcessorTestDriver(final String scope, final Path stateDir, final Map<String, Object> settings) {
        this.scope = scope;
        final Map<String, Object> serde = Map.of("schema.registry.url", "mock://" + scope);
        final Map<String, Object> all = new HashMap<>(settings);
        all.putAll(Map.of("schema.registry.url", "mock://" + scope, "topic.prefix", "t.",
                ProcessorConfig.STATE_DIR, stateDir.toString()));
        final ProcessorConfig config = new ProcessorConfig(all);
        final Properties props = config.streamsProperties();
        props.put("bootstrap.servers", "unused:9092");
        // TopologyTestDriver simulates exactly-once by opening a transaction per processed record, after records are
        // deserialized: a dead-letter record from the deserialization handler is then sent outside any transaction
        // and lost by the driver. Same topology; the app's ITs check the exactly-once path on a real broker.
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

    @Override
    public void close() {
        driver.close();
        MockSchemaRegistry.dropScope(scope);
        RefusedOutputs.clear();
    }
}
