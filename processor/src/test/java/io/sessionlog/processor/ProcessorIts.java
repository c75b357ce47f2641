package io.sessionlog.processor;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.sessionlog.registry.RegistryConfig;
import io.sessionlog.registry.SchemaRegistryServer;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.serde.SpecificAvroDeserializer;
import io.sessionlog.schemas.serde.SpecificAvroSerializer;
import io.sessionlog.testsupport.CommittedRecords;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the processor's ITs share: a registry of their own on the shared broker, the processor's settings, a producer of
 * write intents and a reader of what the processor committed.
 */
final class ProcessorIts {

    private ProcessorIts() {
    }

    /** A schema registry on the shared broker, its schemas in a topic of its own ({@code _schemas-<tag>-…}). */
    static SchemaRegistryServer registry(final String tag) {
        return SchemaRegistryServer.start(new RegistryConfig(Map.of("kafka.bootstrap.servers",
                SharedKafkaCluster.bootstrapServers(), "registry.port", "0", "registry.topic", "_schemas-" + tag + "-" + System.nanoTime())));
    }

    /** The processor's settings on the shared broker, under {@code prefix}: a map the test may add to. */
    static Map<String, String> settings(final String prefix, final SchemaRegistryServer registry, final Path stateDir) {
        final Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", SharedKafkaCluster.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("topic.prefix", prefix);
        settings.put(ProcessorConfig.APPLICATION_ID, prefix + "processor");
        settings.put(ProcessorConfig.STATE_DIR, stateDir.toString());
        return settings;
    }

    /** A producer of write intents to the raw topic: every record acknowledged by all replicas, batched for 5 ms. */
    static KafkaProducer<String, WriteIntent> producer(final SchemaRegistryServer registry) {
        final SpecificAvroSerializer<WriteIntent> values = new SpecificAvroSerializer<>();
        values.configure(Map.of("schema.registry.url", registry.url()), false);
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafkaCluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), values);
    }

    /** Every committed record of a topic, each partition's in its order. */
    static <T extends SpecificRecord> List<T> committed(final SchemaRegistryServer registry, final String topic, final Class<T> type) {
        final SpecificAvroDeserializer<T> values = new SpecificAvroDeserializer<>(type);
        values.configure(Map.of("schema.registry.url", registry.url()), false);
        return CommittedRecords.values(SharedKafkaCluster.bootstrapServers(), topic, values);
    }
}
