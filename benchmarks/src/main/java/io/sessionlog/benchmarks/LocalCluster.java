package io.sessionlog.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.sessionlog.embedded.EmbeddedKafkaCluster;
import io.sessionlog.registry.RegistryConfig;
import io.sessionlog.registry.SchemaRegistryServer;
import org.apache.kafka.clients.admin.Admin;

/**
 * A benchmark's own broker (embedded KRaft, data in {@code dir}/kafka), schema registry and admin client, on a
 * folder wiped first: each run measures a fresh broker and fresh state.
 */
final class LocalCluster implements AutoCloseable {

    final EmbeddedKafkaCluster kafka;
    final SchemaRegistryServer registry;
    final Admin admin;

    private LocalCluster(final EmbeddedKafkaCluster kafka, final SchemaRegistryServer registry, final Admin admin) {
        this.kafka = kafka;
        this.registry = registry;
        this.admin = admin;
    }

    static LocalCluster start(final Path dir) throws java.io.IOException {
        Folders.empty(dir);
        final EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder(dir.resolve("kafka")).build().start(Duration.ofSeconds(60));
        final SchemaRegistryServer registry = SchemaRegistryServer.start(new RegistryConfig(Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(), "registry.port", "0")));
        return new LocalCluster(kafka, registry, Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers())));
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    String registryUrl() {
        return registry.url();
    }

    @Override
    public void close() {
        admin.close();
        registry.close();
        kafka.close();
    }
}
