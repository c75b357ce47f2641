package io.sessionlog.projections;

import java.time.Duration;

import java.util.Map;

import io.sessionlog.projections.query.StoreLookup;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.serde.SchemaRegistrations;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The projections role's lifecycle, and the stores it serves to interactive queries. */
public final class ProjectionsService implements AutoCloseable, StoreLookup {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionsService.class);
    private final KafkaStreams streams;
    private final ProjectionsConfig config;

    /** @param applicationServer {@code host:port} where this instance answers queries (application.server) */
    public ProjectionsService(final ProjectionsConfig config, final String applicationServer) {
        this.config = config;
        this.streams = new KafkaStreams(ProjectionsTopology.build(config.topics(), config.serdeConfig()),
                config.streamsProperties(applicationServer));
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("projections stream thread failed; replacing it", error);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> LOG.info("projections {} -> {}", before, now));
    }

    public void start() {
        final String id = config.getString(ProjectionsConfig.APPLICATION_ID);
        SchemaRegistrations.ensure(config.serdeConfig(), Map.of(
                id + "-" + ProjectionNames.EVENTS_STORE + "-changelog", StampedEvent.getClassSchema(),
                id + "-" + ProjectionNames.SESSIONS_STORE + "-changelog", SessionView.getClassSchema()));
        streams.start();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public <K, V> ReadOnlyKeyValueStore<K, V> keyValueStore(final String name) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, V>keyValueStore()));
    }

    @Override
    public void close() {
        // Leave the group: a successor (a restart, another instance) then gets the tasks at once, instead of
        // waiting a session timeout for this member to expire.
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
