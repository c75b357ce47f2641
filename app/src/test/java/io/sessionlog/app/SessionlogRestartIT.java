package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.sessionlog.ingest.Fixtures;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The embedded default as a user runs it: the whole app stopped and started again on the same data folder. */
class SessionlogRestartIT {

    private static final Path DATA = SharedKafkaCluster.newTestDir("app-restart");
    private static final String SESSION = "/v1/sessions/zv3h4j5Fjv";

    @AfterAll
    static void cleanUp() {
        SharedKafkaCluster.deleteRecursively(DATA);
    }

    @Test
    void aRestartKeepsTheDataAndTheNextEventContinuesTheOffsets() {
        try (Sessionlog app = start()) {
            final Http http = new Http(app.httpUrl());
            for (final String fixture : List.of("E/01.json", "E/02.json", "E/03.json")) {
                assertEquals(202, http.post(SESSION + "/events", Fixtures.bytes(fixture)).status());
            }
            final Http.Answer listed = http.awaitGet(SESSION + "/events", a -> a.status() == 200
                    && a.body().get("data").size() == 3, Duration.ofSeconds(5));
            assertEquals(List.of(0L, 1L, 2L), Http.offsets(listed));
            assertEquals("o5kf8vKzI5", listed.body().get("data").get(0).get("id").asText());
        }
        try (Sessionlog app = start()) {
            final Http http = new Http(app.httpUrl());
            assertEquals(3, http.awaitGet(SESSION + "/events", a -> a.status() == 200, Duration.ofSeconds(30))
                    .body().get("data").size(), "the events written before the restart are still there");
            assertEquals(202, http.post(SESSION + "/events", Fixtures.bytes("E/04.json")).status());
            final Http.Answer listed = http.awaitGet(SESSION + "/events", a -> a.body().get("data").size() == 4,
                    Duration.ofSeconds(5));
            assertEquals(List.of(0L, 1L, 2L, 3L), Http.offsets(listed));
            assertEquals("Hb3kP9xQ2v", listed.body().get("data").get(3).get("id").asText());
            final Http.Answer session = http.get(SESSION);
            assertEquals("2025-01-29T09:27:41Z", session.body().get("created_at").asText(),
                    "an implicit session is created at its first event's time");
        }
    }

    @Test
    void aSecondProcessOnTheSameDataFolderIsRefused() {
        final Path dir = SharedKafkaCluster.newTestDir("app-lock");
        try (Sessionlog first = Sessionlog.start(settings(dir))) {
            final IllegalStateException refused = assertThrows(IllegalStateException.class, () -> Sessionlog.start(settings(dir)));
            assertEquals(true, refused.getMessage().contains("in use by another sessionlog process"), refused.getMessage());
        } finally {
            SharedKafkaCluster.deleteRecursively(dir);
        }
    }

    private static Sessionlog start() {
        final Sessionlog app = Sessionlog.start(settings(DATA));
        new Http(app.httpUrl()).awaitGet("/health/ready", a -> a.status() == 200, Duration.ofSeconds(60));
        return app;
    }

    private static Map<String, String> settings(final Path dir) {
        return Map.of(AppConfig.DATA_DIR, dir.toString(), AppConfig.EMBEDDED_KAFKA_PORT, "0",
                "registry.port", "0", AppConfig.HTTP_PORT, "0", "topic.partitions", "3");
    }
}
