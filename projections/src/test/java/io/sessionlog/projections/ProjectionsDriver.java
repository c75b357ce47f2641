package io.sessionlog.projections;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import io.sessionlog.projections.query.SessionUpdates;
import io.sessionlog.projections.query.StoreLookup;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.registry.MockSchemaRegistry;
import io.sessionlog.schemas.serde.SpecificAvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** The projections topology under TopologyTestDriver, its two input topics and its stores as queries read them. */
final class ProjectionsDriver implements AutoCloseable {

    final TopologyTestDriver driver;
    final TestInputTopic<String, StampedEvent> events;
    final TestInputTopic<String, SessionView> sessions;
    /** The stores, one partition holding all, as a StoreLookup. */
    final StoreLookup stores;
    private final String scope;

    /** @param scope the mock registry's scope, one per test class */
    ProjectionsDriver(final String scope, final Path stateDir) {
        this(scope, stateDir, Instant.now());
    }

    /** @param wallClock where the driver's wall clock starts: the processors' system time */
    ProjectionsDriver(final String scope, final Path stateDir, final Instant wallClock) {
        this.scope = scope;
        final Topics topics = new Topics(scope + ".");
        final Map<String, Object> serde = Map.of("schema.registry.url", "mock://" + scope);
        final Properties props = new ProjectionsConfig(Map.of("schema.registry.url", "mock://" + scope,
                ProjectionsConfig.STATE_DIR, stateDir.toString())).streamsProperties("localhost:8080");
        props.put("bootstrap.servers", "unused:9092");
        driver = new TopologyTestDriver(ProjectionsTopology.build(topics, serde, new SessionUpdates()), props, wallClock);
        events = driver.createInputTopic(topics.events(), Serdes.String().serializer(),
                SpecificAvroSerde.forValues(StampedEvent.class, serde).serializer());
        sessions = driver.createInputTopic(topics.sessions(), Serdes.String().serializer(),
                SpecificAvroSerde.forValues(SessionView.class, serde).serializer());
        stores = new StoreLookup() {
            @Override
            public <K, V> ReadOnlyKeyValueStore<K, V> keyValueStore(final String name, final int partition, final boolean stale) {
                return driver.getKeyValueStore(name);
            }
        };
    }

    @Override
    public void close() {
        driver.close();
        MockSchemaRegistry.dropScope(scope);
    }
}
