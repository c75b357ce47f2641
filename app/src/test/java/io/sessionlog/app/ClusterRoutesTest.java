package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.javalin.Javalin;
import io.sessionlog.http.Problems;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/cluster} when Kafka does not answer: 503 problem+json with Retry-After (contract: not reachable →
 * 503), both when the consumer groups' offsets cannot be read and when the rejected topic cannot be.
 */
class ClusterRoutesTest {

    private Javalin app;
    private ClusterRoutes routes;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
        if (routes != null) {
            routes.close();
        }
    }

    @Test
    void answers503WhenTheGroupsOffsetsCannotBeRead() throws IOException {
        final Http.Answer answer = clusterAnswer(List.of("sessionlog-processor"));
        assertUnavailable(answer);
    }

    @Test
    void answers503WhenTheRejectedTopicCannotBeRead() throws IOException {
        final Http.Answer answer = clusterAnswer(List.of());
        assertUnavailable(answer);
    }

    private Http.Answer clusterAnswer(final List<String> groups) throws IOException {
        routes = new ClusterRoutes(Map.of("bootstrap.servers", "127.0.0.1:" + closedPort(),
                "reconnect.backoff.max.ms", 200), groups, "sessionlog.rejected", Duration.ofSeconds(1));
        app = Javalin.create(cfg -> cfg.showJavalinBanner = false);
        Problems.install(app);
        routes.register(app);
        app.start("127.0.0.1", 0);
        return new Http("http://127.0.0.1:" + app.port()).get("/v1/cluster");
    }

    private static void assertUnavailable(final Http.Answer answer) {
        assertEquals(503, answer.status(), String.valueOf(answer.body()));
        assertTrue(answer.contentType().startsWith("application/problem+json"), answer.contentType());
        assertEquals("1", answer.retryAfter());
        assertTrue(answer.body().get("detail").asText().contains("Kafka"), answer.body().toString());
    }

    /** A port nothing listens on: bound, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
