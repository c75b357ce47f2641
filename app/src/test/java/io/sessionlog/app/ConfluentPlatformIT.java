package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.sessionlog.ingest.Fixtures;
import io.sessionlog.schemas.registry.RestSchemaRegistryClient;
import io.sessionlog.schemas.registry.SchemaVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The slice against the images production runs: Apache Kafka and Confluent Schema Registry, so that our serdes and
 * registry client are checked against Confluent's own server. Needs a Docker engine; skipped cleanly without one
 * (the same slice runs on the embedded broker and registry in SliceIT and SessionlogRestartIT).
 */
@Testcontainers(disabledWithoutDocker = true)
class ConfluentPlatformIT {

    private static final Network NETWORK = Network.newNetwork();

    @Container
    private static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1")
            .withNetwork(NETWORK).withNetworkAliases("kafka").withListener("kafka:19092");

    @Container
    private static final GenericContainer<?> REGISTRY = new GenericContainer<>("confluentinc/cp-schema-registry:7.9.1")
            .withNetwork(NETWORK).dependsOn(KAFKA).withExposedPorts(8081)
            .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
            .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
            .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
            .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));

    @TempDir
    java.nio.file.Path data;

    @Test
    void theSliceRunsAgainstKafkaAndConfluentSchemaRegistry() {
        final String registryUrl = "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8081);
        try (Sessionlog app = Sessionlog.start(Map.of(
                "kafka.bootstrap.servers", KAFKA.getBootstrapServers(),
                "schema.registry.url", registryUrl,
                AppConfig.HTTP_PORT, "0",
                AppConfig.DATA_DIR, data.toString(),
                "topic.replication.factor", "1"))) {
            final Http http = new Http(app.httpUrl());
            http.awaitGet("/health/ready", a -> a.status() == 200, Duration.ofSeconds(60));
            for (final String fixture : List.of("E/01.json", "E/02.json", "E/03.json")) {
                assertEquals(202, http.post("/v1/sessions/zv3h4j5Fjv/events", Fixtures.bytes(fixture)).status());
            }
            assertEquals(List.of(0L, 1L, 2L), Http.offsets(http.awaitGet("/v1/sessions/zv3h4j5Fjv/events",
                    a -> a.status() == 200 && a.body().get("data").size() == 3, Duration.ofSeconds(10))));
        }
        final SchemaVersion stamped = new RestSchemaRegistryClient(registryUrl, "USER_INFO", "").latest("sessionlog.events-value");
        assertTrue(stamped.schema().getFullName().endsWith("StampedEvent"), stamped.schema().getFullName());
    }
}
