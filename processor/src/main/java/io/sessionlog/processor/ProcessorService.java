package io.sessionlog.processor;

import io.micrometer.core.instrument.MeterRegistry;
import io.sessionlog.schemas.serde.SchemaRegistrations;
import io.sessionlog.streams.ManagedStreams;
import org.apache.kafka.streams.KafkaStreams;

/** The processor role: the topology of {@link ProcessorTopology}, run as a {@link ManagedStreams}. */
public final class ProcessorService implements AutoCloseable {

    private final ManagedStreams streams;
    private final ProcessorConfig config;

    public ProcessorService(final ProcessorConfig config) {
        this.config = config;
        this.streams = new ManagedStreams("processor", ProcessorTopology.build(config),
                config.streamsProperties());
    }

    public void start() {
        SchemaRegistrations.ensure(config.serdeConfig(), ProcessorTopology.valueSchemas(config.topics(),
                config.getString(ProcessorConfig.APPLICATION_ID)));
        streams.start();
    }

    public void bindMetrics(final MeterRegistry registry) {
        streams.bindMetrics(registry);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        streams.close();
    }
}
