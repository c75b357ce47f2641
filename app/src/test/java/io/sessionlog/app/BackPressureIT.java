package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.javalin.Javalin;
import io.sessionlog.embedded.EmbeddedKafkaCluster;
import io.sessionlog.testsupport.SharedKafkaCluster;
import io.sessionlog.http.Problems;
import io.sessionlog.ingest.IngestConfig;
import io.sessionlog.ingest.http.IngestRoutes;
import io.sessionlog.ingest.kafka.IntentPublisher;
import io.sessionlog.schemas.TopicProvisioner;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.registry.MockSchemaRegistry;
import org.junit.jupiter.api.Test;

/** When Kafka cannot acknowledge, a write answers 503 with Retry-After: never a hang, never a silent 202. */
class BackPressureIT {

    @Test
    void aWriteKafkaCannotAcknowledgeAnswers503WithRetryAfter() {
        final Path dir = SharedKafkaCluster.newTestDir("back-pressure");
        final EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder(dir).build().start(Duration.ofSeconds(60));
        final IngestConfig config = new IngestConfig(Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(),
                "schema.registry.url", "mock://back-pressure", IngestConfig.MAX_BLOCK_MS, "500",
                IngestConfig.DELIVERY_TIMEOUT_MS, "1500"));
        TopicProvisioner.ensureTopics(Map.of("bootstrap.servers", kafka.bootstrapServers()), new Topics("bp."), 1, (short) 1);
        final Javalin http = Javalin.create(cfg -> cfg.showJavalinBanner = false);
        try (IntentPublisher publisher = new IntentPublisher(config.producerConfig(), config.serdeConfig(), new Topics("bp.").raw())) {
            Problems.install(http);
            new IngestRoutes(publisher, config).register(http);
            http.start("127.0.0.1", 0);
            final Http client = new Http("http://127.0.0.1:" + http.port());
            final String event = "{\"timestamp\":\"2025-03-07T14:05:00Z\",\"session_id\":\"bp\"}";
            assertEquals(202, client.post("/v1/syllable/events", event).status(), "accepted while Kafka is up");

            kafka.close();
            final long start = System.nanoTime();
            final Http.Answer answer = client.post("/v1/syllable/events", event);
            final long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(503, answer.status(), answer.body().toString());
            assertEquals("application/problem+json", answer.contentType());
            assertEquals("1", answer.retryAfter());
            assertTrue(answer.body().get("detail").asText().contains("retrying is safe"), answer.body().toString());
            assertTrue(tookMillis < 10_000, "answered within the delivery timeout, took " + tookMillis + " ms");
        } finally {
            http.stop();
            kafka.close();
            MockSchemaRegistry.dropScope("back-pressure");
            SharedKafkaCluster.deleteRecursively(dir);
        }
    }
}
