package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The HTTP edge as an attacker or an unlucky client meets it: every answer problem+json, nothing written by accident. */
@ExtendWith(SharedKafkaCluster.class)
class HttpEdgeIT {

    private static final String PREFIX = "edge-" + System.nanoTime() + ".";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Sessionlog app;
    private static Http http;
    private static URI base;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        app = TestApps.start(PREFIX, Map.of(AppConfig.HTTP_IDLE_TIMEOUT_MS, "2000", AppConfig.HTTP_MAX_CONCURRENT_BODIES, "8",
                AppConfig.HTTP_MAX_SSE_STREAMS, "2", AppConfig.HTTP_SSE_HEARTBEAT_MS, "300"));
        http = new Http(app.httpUrl());
        base = URI.create(app.httpUrl());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void aTimeBeyondWhatTheSchemaHoldsIsRefusedAndLosesNoOtherClientsEvent() {
        final Http.Answer far = http.post("/v1/sessions/atk/events", "{\"correlation_id\":\"c\",\"type\":\"custom\","
                + "\"source\":\"user\",\"data\":{},\"created_at\":\"+300000-01-01T00:00:00Z\"}");
        assertEquals(400, far.status());
        assertEquals("created_at", far.body().get("errors").get(0).get("field").asText());
        for (int i = 0; i < 40; i++) {
            assertEquals(202, http.post("/v1/sessions/victim/events", "{\"id\":\"v" + i + "\",\"correlation_id\":\"c\","
                    + "\"type\":\"custom\",\"source\":\"user\",\"data\":{},\"created_at\":1}").status());
        }
        final Http.Answer victim = http.awaitGet("/v1/sessions/victim/events",
                a -> a.status() == 200 && a.body().get("data").size() >= 40, Duration.ofSeconds(30));
        assertEquals(40, victim.body().get("data").size());
    }

    @Test
    void anUnmatchedRouteIs404ProblemJsonAndCountedInMetrics() throws Exception {
        final HttpResponse<byte[]> answer = send(request("/v1/nothing/here").GET());
        assertEquals(404, answer.statusCode());
        assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse(""));
        assertEquals(404, JSON.readTree(answer.body()).get("status").asInt());
        final String metrics = new String(send(request("/metrics").GET()).body(), StandardCharsets.UTF_8);
        assertTrue(metrics.contains("route=\"unmatched\",status=\"404\""), "unmatched requests are counted");
    }

    @Test
    void headIsAnsweredForHealthOnly() throws Exception {
        assertEquals(200, send(request("/health/live").method("HEAD", HttpRequest.BodyPublishers.noBody())).statusCode());
        assertEquals(405, send(request("/metrics").method("HEAD", HttpRequest.BodyPublishers.noBody())).statusCode());
        assertEquals(405, send(request("/v1/sessions/s").method("HEAD", HttpRequest.BodyPublishers.noBody())).statusCode());
    }

    @Test
    void aMethodOverrideHeaderIsRefusedAndDeletesNothing() throws Exception {
        assertEquals(202, http.post("/v1/sessions/kept/events", event("k0")).status());
        http.awaitGet("/v1/sessions/kept/events", a -> a.status() == 200 && a.body().get("data").size() == 1, Duration.ofSeconds(30));
        final HttpResponse<byte[]> answer = send(request("/v1/sessions/kept/events?min_offset=0")
                .header("X-HTTP-Method-Override", "DELETE").GET());
        assertEquals(400, answer.statusCode());
        assertEquals(202, http.post("/v1/sessions/kept/events", event("k1")).status());
        final Http.Answer after = http.awaitGet("/v1/sessions/kept/events",
                a -> a.status() == 200 && a.body().get("data").size() == 2, Duration.ofSeconds(30));
        after.body().get("data").forEach(e -> assertFalse(e.get("deleted").asBoolean(), "nothing was deleted"));
    }

    @Test
    void aWriteWithNoBodyAndNoContentTypeIsToldTheBodyIsMissing() throws Exception {
        final HttpResponse<byte[]> empty = send(request("/v1/sessions/bodiless/events").POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(400, empty.statusCode(), "there is no body whose media type could be wrong");
        final JsonNode problem = JSON.readTree(empty.body());
        assertEquals("body", problem.get("errors").get(0).get("field").asText());
        assertEquals("is empty", problem.get("errors").get(0).get("reason").asText());
        final Raw noLength = rawRequest("POST /v1/sessions/bodiless/events HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\n\r\n");
        assertEquals(400, noLength.status, "no Content-Length, no Transfer-Encoding: no body");
        assertTrue(noLength.text.contains("\"field\":\"body\""), noLength.text);
        final HttpResponse<byte[]> patch = send(request("/v1/sessions/bodiless").method("PATCH", HttpRequest.BodyPublishers.noBody()));
        assertEquals(400, patch.statusCode());
        assertEquals("body", JSON.readTree(patch.body()).get("errors").get(0).get("field").asText());
        assertEquals(415, send(request("/v1/sessions/bodiless/events").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(event("b1")))).statusCode(), "a body of another media type");
    }

    @Test
    void bodiesThatAreNotJsonOrComeFromAnotherSiteAreRefusedBeforeAnythingIsWritten() throws Exception {
        final long before = TestApps.rawEndOffsets(app, PREFIX);
        for (final String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/json; charset=iso-8859-1")) {
            assertEquals(415, send(request("/v1/sessions/xsite/events").header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString(event("x1")))).statusCode(), type);
        }
        assertEquals(415, send(request("/v1/sessions/xsite/events").POST(HttpRequest.BodyPublishers.ofString(event("x1"))))
                .statusCode(), "no Content-Type");
        assertEquals(403, rawRequest("POST /v1/sessions/xsite/events HTTP/1.1\r\nHost: rebound.attacker.example\r\n"
                + "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}").status);
        assertEquals(before, TestApps.rawEndOffsets(app, PREFIX), "nothing was written to events.raw");
        assertEquals("", SecurityIT.preflight(client, app.httpUrl(), "https://any.example"), "no CORS unless configured");
    }

    @Test
    void bodiesInOtherEncodingsAre400WithoutExceptionText() throws Exception {
        final String event = event("u16");
        for (final var charset : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE, java.nio.charset.Charset.forName("UTF-32"))) {
            final HttpResponse<byte[]> answer = send(request("/v1/sessions/enc/events").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(event.getBytes(charset))));
            assertEquals(400, answer.statusCode(), charset.name());
            final String text = new String(answer.body(), StandardCharsets.UTF_8);
            assertFalse(text.contains("Exception") || text.contains("java."), text);
        }
        final java.io.ByteArrayOutputStream withOverlong = new java.io.ByteArrayOutputStream();
        withOverlong.writeBytes("{\"id\":\"a".getBytes(StandardCharsets.UTF_8));
        withOverlong.writeBytes(new byte[] {(byte) 0xC0, (byte) 0xAF});
        withOverlong.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, http.post("/v1/sessions/enc/events", withOverlong.toByteArray()).status(), "overlong UTF-8 (C0 AF)");
    }

    @Test
    void errorBodiesAreUtf8AndJettysOwnErrorsAreProblemJson() throws Exception {
        final HttpResponse<byte[]> refused = send(request("/v1/sessions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"agent_id\":\"a\",\"title\":\"" + "é".repeat(201) + "\",\"mode\":\"été\"}")));
        assertEquals(400, refused.statusCode());
        assertTrue(new String(refused.body(), StandardCharsets.UTF_8).contains("été"), "UTF-8, not ISO-8859-1");
        final Raw longUri = rawRequest("GET /v1/sessions/" + "x".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertEquals(414, longUri.status);
        assertTrue(longUri.text.contains("application/problem+json"), longUri.text);
        final Raw nul = rawRequest("GET /v1/sessions/a%00b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertEquals(400, nul.status);
        assertTrue(nul.text.contains("application/problem+json"), nul.text);
    }

    @Test
    void smallerRefusals() throws Exception {
        assertEquals(400, http.post("/v1/sessions/%FF/events", event("ff")).status(), "invalid UTF-8 in the path");
        assertEquals("id", http.post("/v1/sessions/ids/events", event("i".repeat(257))).body().get("errors").get(0).get("field").asText());
        assertEquals("data", http.post("/v1/sessions/ids/events", "{\"correlation_id\":\"c\",\"type\":\"custom\",\"source\":\"user\","
                + "\"data\":{\"n\":1e400},\"created_at\":1}").body().get("errors").get(0).get("field").asText());
        assertEquals(400, send(request("/v1/sessions/ids").header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("[{\"title\":\"t\"}]"))).statusCode(), "a PATCH takes one object");
        assertEquals(400, http.get("/v1/correlations/c?include_deleted=maybe").status());
        final StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 10_000; i++) {
            many.append(i == 0 ? "" : ",").append("{}");
        }
        final JsonNode capped = http.post("/v1/sessions/many/events", many.append(']').toString()).body();
        assertEquals(100, capped.get("errors").size());
        assertTrue(capped.get("errors_not_listed").asInt() > 9_000);
    }

    @Test
    void threeHundredSlowBodiesCannotStopHealthFromAnswering() throws Exception {
        final List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                final Socket socket = new Socket(base.getHost(), base.getPort());
                socket.getOutputStream().write(("POST /v1/sessions/slow/events HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"id\"").getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            }
            // Well inside the 2 s idle timeout: the answer does not wait for slow bodies to be cut off.
            final HttpResponse<byte[]> health = client.send(request("/health/live").timeout(Duration.ofMillis(1_500)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, health.statusCode());
            // Each slow request ends one of two ways: refused at once beyond the bound (503), or cut off by the server
            // once its body falls behind (408, or the connection closed); none waits for its body forever.
            final java.util.Map<String, Integer> endings = new java.util.TreeMap<>();
            for (final Socket socket : slow) {
                socket.setSoTimeout(15_000);
                final byte[] status = socket.getInputStream().readNBytes(12);
                endings.merge(status.length == 0 ? "closed" : new String(status, StandardCharsets.US_ASCII), 1, Integer::sum);
            }
            assertTrue(endings.getOrDefault("HTTP/1.1 503", 0) > 0, "beyond http.max.concurrent.bodies a write is refused: " + endings);
            endings.keySet().forEach(ending -> assertTrue(List.of("HTTP/1.1 503", "HTTP/1.1 408", "closed").contains(ending),
                    "every slow request is refused or cut off: " + endings));
        } finally {
            for (final Socket socket : slow) {
                socket.close();
            }
        }
        assertEquals(202, http.post("/v1/sessions/after-slow/events", event("s1")).status(), "writes are served again");
    }

    @Test
    void eventStreamsBeyondTheBoundAre503() throws Exception {
        final HttpRequest stream = request("/v1/sessions/streamed/events").header("Accept", "text/event-stream").GET().build();
        final List<java.io.InputStream> open = new ArrayList<>();
        // Streams other tests closed hold their slot until their next write: take the two slots as they free up.
        org.awaitility.Awaitility.await("two open streams").atMost(Duration.ofSeconds(30)).until(() -> {
            final var answer = client.sendAsync(stream, HttpResponse.BodyHandlers.ofInputStream()).get();
            if (answer.statusCode() == 200) {
                open.add(answer.body());
            } else {
                answer.body().close();
            }
            return open.size() == 2;
        });
        final HttpResponse<byte[]> third = send(request("/v1/sessions/streamed/events").header("Accept", "text/event-stream").GET());
        assertEquals(503, third.statusCode());
        assertEquals("1", third.headers().firstValue("Retry-After").orElse(""));
        for (final java.io.InputStream body : open) {
            body.close();
        }
        // A stream finds its client gone at its next heartbeat, and frees its slot.
        org.awaitility.Awaitility.await("a stream slot freed").atMost(Duration.ofSeconds(30)).until(() -> {
            final var again = client.sendAsync(stream, HttpResponse.BodyHandlers.ofInputStream()).get();
            again.body().close();
            return again.statusCode() == 200;
        });
    }

    @Test
    void aLastEventIdAtTheLastPossibleOffsetReplaysNothing() throws Exception {
        assertEquals(202, http.post("/v1/sessions/replay/events", event("r0")).status());
        http.awaitGet("/v1/sessions/replay/events", a -> a.status() == 200 && a.body().get("data").size() == 1, Duration.ofSeconds(30));
        assertEquals(List.of(), streamedIds(String.valueOf(Long.MAX_VALUE)), "no event follows the last possible offset");
        assertEquals(List.of("0"), streamedIds("-1"), "after -1 comes offset 0");
    }

    /** The ids of the events an SSE stream of session replay sends within two seconds. */
    private List<String> streamedIds(final String lastEventId) throws Exception {
        final List<String> ids = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.awaitility.Awaitility.await("an SSE slot").atMost(Duration.ofSeconds(30)).until(() -> {
            final HttpResponse<java.util.stream.Stream<String>> answer = client.sendAsync(request("/v1/sessions/replay/events")
                    .header("Accept", "text/event-stream").header("Last-Event-ID", lastEventId).GET().build(),
                    HttpResponse.BodyHandlers.ofLines()).get();
            if (answer.statusCode() != 200) {
                answer.body().close();
                return false;
            }
            final Thread reader = new Thread(() -> {
                try {
                    answer.body().filter(line -> line.startsWith("id:")).forEach(line -> ids.add(line.substring(3).trim()));
                } catch (java.io.UncheckedIOException closedByTheTest) {
                    // The stream ends when the test closes it.
                }
            });
            reader.setDaemon(true);
            reader.start();
            reader.join(2_000);
            answer.body().close();
            return true;
        });
        return ids;
    }

    private record Raw(int status, String text) {
    }

    private static Raw rawRequest(final String request) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            final OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            final InputStream in = socket.getInputStream();
            final String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Raw(Integer.parseInt(text.substring(9, 12)), text);
        }
    }

    private HttpRequest.Builder request(final String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
    }

    private HttpResponse<byte[]> send(final HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String event(final String id) {
        return "{\"id\":\"" + id + "\",\"correlation_id\":\"c\",\"type\":\"custom\",\"source\":\"user\",\"data\":{},"
                + "\"created_at\":\"2025-01-29T09:27:41Z\"}";
    }
}
