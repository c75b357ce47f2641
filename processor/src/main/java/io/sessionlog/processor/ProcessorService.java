package io.sessionlog.processor;

import io.micrometer.core.instrument.MeterRegistry;
import io.sessionlog.schemas.serde.SchemaRegistrations;
import io.sessionlog.streams.ManagedStreams;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/** The processor role: the topology of {@link ProcessorTopology}, run as a {@link ManagedStreams}. */
public final class ProcessorService implements AutoCloseable {

    private final ManagedStreams streams;
    private final ProcessorConfig config;

    public ProcessorService(final ProcessorConfig config) {
        this(config, ProcessorTopology.build(config));
    }

    /** The processor role running the given processor topology (a test's, over stores that fail on cue). */
    ProcessorService(final ProcessorConfig config, final Topology topology) {
        this.config = config;
        this.streams = new ManagedStreams("processor", topology, config.streamsProperties());
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
