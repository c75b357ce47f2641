package io.sessionlog.streams;

import java.time.Duration;
import java.util.Properties;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Streams application run the sessionlog way: a failed stream thread is logged and replaced, state changes
 * are logged, metrics bind to Micrometer, and closing leaves the consumer group, so a successor (a restart, another
 * instance) gets the tasks at once instead of waiting a session timeout.
 */
public final class ManagedStreams implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagedStreams.class);
    private final KafkaStreams streams;

    /** @param role the role's name in log lines ({@code processor}, {@code projections}) */
    public ManagedStreams(final String role, final Topology topology, final Properties props) {
        this.streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("{} stream thread failed; replacing it", role, error);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> LOG.info("{} {} -> {}", role, before, now));
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The running instance, for interactive queries and their metadata. */
    public KafkaStreams streams() {
        return streams;
    }

    /** Kafka Streams' own metrics (threads, tasks, stores, clients) under {@code kafka.stream.*}. */
    public void bindMetrics(final MeterRegistry registry) {
        new KafkaStreamsMetrics(streams).bindTo(registry);
    }

    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
