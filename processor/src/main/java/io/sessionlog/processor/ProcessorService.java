package io.sessionlog.processor;

import java.time.Duration;

import io.sessionlog.schemas.serde.SchemaRegistrations;
import org.apache.kafka.streams.CloseOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The processor role's lifecycle: the topology of {@link ProcessorTopology} in a KafkaStreams instance. */
public final class ProcessorService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorService.class);
    private final KafkaStreams streams;
    private final ProcessorConfig config;

    public ProcessorService(final ProcessorConfig config) {
        this.config = config;
        this.streams = new KafkaStreams(ProcessorTopology.build(config.topics(), config.serdeConfig()),
                config.streamsProperties());
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("processor stream thread failed; replacing it", error);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> LOG.info("processor {} -> {}", before, now));
    }

    public void start() {
        SchemaRegistrations.ensure(config.serdeConfig(), ProcessorTopology.valueSchemas(config.topics(),
                config.getString(ProcessorConfig.APPLICATION_ID)));
        streams.start();
    }

    /** Kafka Streams' own metrics (threads, tasks, stores, clients) under {@code kafka.stream.*}. */
    public void bindMetrics(final MeterRegistry registry) {
        new KafkaStreamsMetrics(streams).bindTo(registry);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        // Leave the group: a successor (a restart, another instance) then gets the tasks at once, instead of
        // waiting a session timeout for this member to expire.
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
