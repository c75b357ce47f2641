package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import io.sessionlog.app.load.BulkLoaderProbe;
import io.sessionlog.testsupport.SharedKafkaCluster;
import io.sessionlog.ingest.format.InputFormat;
import io.sessionlog.ingest.format.InvalidInputException;
import io.sessionlog.ingest.producer.SessionlogProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The other ways in: API keys on the HTTP API, the Java producer library, the bulk loader. */
@ExtendWith(SharedKafkaCluster.class)
class IngestClientsIT {

    private static final String PREFIX = "clients-" + System.nanoTime() + ".";
    private static final String EVENT = "{\"id\":\"auth-1\",\"correlation_id\":\"c\",\"type\":\"custom\",\"source\":\"system\","
            + "\"data\":{},\"created_at\":\"2025-01-29T09:27:41Z\"}";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static Sessionlog app;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        app = TestApps.start(PREFIX, Map.of(AppConfig.API_KEYS, "w-key:write,r-key:read,a-key:admin"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void withKeysEveryRouteButHealthNeedsOneWithTheRightScope() {
        assertEquals(401, call("POST", "/v1/sessions/auth/events", EVENT, null).statusCode());
        assertEquals(401, call("POST", "/v1/sessions/auth/events", EVENT, "wrong-key").statusCode());
        assertEquals(403, call("POST", "/v1/sessions/auth/events", EVENT, "r-key").statusCode());
        assertEquals(202, call("POST", "/v1/sessions/auth/events", EVENT, "w-key").statusCode());
        assertEquals(401, call("GET", "/v1/sessions/auth", null, null).statusCode());
        assertEquals(403, call("GET", "/v1/sessions/auth", null, "w-key").statusCode());
        final HttpResponse<String> unauthorized = call("GET", "/v1/sessions/auth", null, null);
        assertEquals("application/problem+json", unauthorized.headers().firstValue("Content-Type").orElse(""));
        assertEquals("Bearer", unauthorized.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(200, call("GET", "/health/live", null, null).statusCode());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> call("GET", "/v1/sessions/auth", null, "r-key").statusCode() == 200);
        assertEquals(200, call("GET", "/v1/sessions/auth", null, "a-key").statusCode(), "admin may read");
        assertEquals(202, call("POST", "/v1/bulk?format=Y", "{\"timestamp\":\"2025-03-07T14:05:00Z\",\"session_id\":\"auth\"}",
                "a-key").statusCode(), "admin may write");
    }

    @Test
    void withoutKeysTheApiListensOnLoopbackOnly() {
        final AppConfig open = new AppConfig(Map.of(AppConfig.HTTP_HOST, "0.0.0.0"));
        assertEquals("127.0.0.1", open.httpHost());
        final AppConfig keyed = new AppConfig(Map.of(AppConfig.HTTP_HOST, "0.0.0.0", AppConfig.API_KEYS, "k:read"));
        assertEquals("0.0.0.0", keyed.httpHost());
    }

    @Test
    void theJavaProducerValidatesLikeTheRoutesAndPublishes() {
        try (SessionlogProducer producer = SessionlogProducer.create(Map.of(
                "kafka.bootstrap.servers", app.bootstrapServers(),
                "schema.registry.url", app.registryUrl().orElseThrow(),
                "topic.prefix", PREFIX))) {
            final var accepted = producer.send(InputFormat.Y, "[{\"timestamp\":\"2025-03-07T14:05:00Z\",\"session_id\":\"jvm-1\"},"
                    + "{\"timestamp\":\"2025-03-07T14:06:00Z\",\"conversation_id\":\"jvm-1\"}]").join();
            assertEquals(2, accepted.size());
            assertEquals("jvm-1", accepted.get(0).sessionKey());
            final var flux0 = producer.sendFlux0("jvm-2", EVENT).join();
            assertEquals("auth-1", flux0.get(0).eventId());

            final CompletionException refused = assertThrows(CompletionException.class,
                    () -> producer.send(InputFormat.K, "[{\"type\":\"x\",\"conversationId\":\"c\",\"entityType\":\"conversation\"},"
                            + "{\"type\":\"x\",\"entityType\":\"conversation\"},{\"type\":\"x\",\"conversationId\":\"c\",\"entityType\":\"banana\"}]").join());
            final InvalidInputException invalid = assertInstanceOf(InvalidInputException.class, refused.getCause());
            assertEquals(List.of("conversationId", "entityType"), invalid.errors().stream().map(e -> e.field()).toList());
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> call("GET", "/v1/sessions/jvm-1/events", null, "r-key").body().contains("\"offset\":1"));
    }

    @Test
    void theBulkLoaderReportsRefusedLinesAndResumes() throws Exception {
        final StringBuilder ndjson = new StringBuilder();
        for (int i = 1; i <= 25; i++) {
            if (i == 3) {
                // Beyond what the schema holds: once this made the loader retry forever; now the line is refused.
                ndjson.append("{\"timestamp\":\"+300000-01-01T00:00:00Z\",\"session_id\":\"loaded\"}\n");
            } else if (i == 7) {
                ndjson.append("{\"timestamp\":\"not a time\",\"session_id\":\"loaded\"}\n");
            } else if (i == 12) {
                ndjson.append("\n");
            } else if (i == 20) {
                ndjson.append("{oops\n");
            } else {
                ndjson.append("{\"timestamp\":\"2025-03-07T14:05:").append(String.format("%02d", i)).append("Z\",\"session_id\":\"loaded\"}\n");
            }
        }
        final Path refused = dir.resolve("refused.ndjson");
        final BulkLoaderProbe.Result result = BulkLoaderProbe.load(app.httpUrl(), "Y", "w-key", 5, 1,
                new BufferedReader(new StringReader(ndjson.toString())), refused);
        assertEquals(21, result.written());
        assertEquals(3, result.refused());
        assertEquals(1, result.blank());
        final List<String> report = Files.readAllLines(refused, StandardCharsets.UTF_8);
        assertEquals(3, report.size());
        assertTrue(report.get(0).contains("\"line\":3") && report.get(0).contains("out of range"), report.get(0));
        assertTrue(report.get(1).contains("\"line\":7") && report.get(1).contains("timestamp"), report.get(1));
        assertTrue(report.get(2).contains("\"line\":20") && report.get(2).contains("not valid JSON"), report.get(2));

        final BulkLoaderProbe.Result resumed = BulkLoaderProbe.load(app.httpUrl(), "Y", "w-key", 5, 21,
                new BufferedReader(new StringReader(ndjson.toString())), dir.resolve("resumed.ndjson"));
        assertEquals(5, resumed.written(), "lines 21 to 25 only");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> count(call("GET", "/v1/sessions/loaded/events", null, "r-key").body()) == 21);
    }

    private static long count(final String body) {
        return body.split("\"offset\"", -1).length - 1L;
    }

    private static HttpResponse<String> call(final String method, final String path, final String body, final String key) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.httpUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            // A body without a JSON media type is refused (415): browsers send those cross-site without asking.
            request.header("Content-Type", path.startsWith("/v1/bulk") ? "application/x-ndjson" : "application/json");
        }
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
