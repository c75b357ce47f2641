package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The read side of contract §5 on a real broker: filters, long-polls, Server-Sent Events. */
@ExtendWith(SharedKafkaCluster.class)
class QueryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "query-" + System.nanoTime() + ".";
    private static Sessionlog app;
    private static Http http;

    @BeforeAll
    static void start() {
        app = TestApps.start(PREFIX, Map.of());
        http = new Http(app.httpUrl());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void everyFilterNarrowsTheListing() {
        final String s = "/v1/sessions/filters/events";
        post(s, event("m1", "message", "user", "RID(A)"));
        post(s, event("s1", "status", "ai_agent", "RID(A)::B"));
        post(s, event("t1", "tool", "ai_agent", "RID(A)::B"));
        post(s, event("m2", "message", "ai_agent", "RID(C)::D"));
        http.awaitGet(s, a -> a.status() == 200 && a.body().get("data").size() == 4, Duration.ofSeconds(10));
        assertEquals(List.of("m1", "m2"), ids(http.get(s + "?types=message")));
        assertEquals(List.of("s1", "t1", "m2"), ids(http.get(s + "?types=status,tool&types=message&source=ai_agent")));
        assertEquals(List.of("s1", "t1"), ids(http.get(s + "?correlation_id=RID(A)::B")));
        assertEquals(List.of("m1", "s1", "t1"), ids(http.get(s + "?correlation_root=RID(A)")));
        assertEquals(List.of("t1", "m2"), ids(http.get(s + "?min_offset=2")));
        assertEquals(List.of("m1", "s1"), ids(http.get(s + "?limit=2")));
        assertEquals(400, http.get(s + "?limit=0").status());
        final com.fasterxml.jackson.databind.node.ObjectNode whole = (com.fasterxml.jackson.databind.node.ObjectNode) http.get(s + "/m1").body();
        send("DELETE", s + "/m1");
        http.awaitGet(s, a -> a.body().get("data").size() == 3, Duration.ofSeconds(10));
        assertEquals(List.of("m1", "s1", "t1", "m2"), ids(http.get(s + "?include_deleted=true")));
        assertTrue(http.get(s + "/m1").body().get("deleted").asBoolean(), "one event by id, deleted or not");
        assertEquals(whole.deepCopy().put("deleted", true), http.get(s + "/m1").body(),
                "a deleted event is the event as it was, marked deleted: its content stays readable");
        assertEquals(404, http.get("/v1/sessions/filters/events/nope").status());
    }

    @Test
    void correlationsAreFoundAcrossSessionsByIdOrRoot() {
        post("/v1/sessions/corr-a/events", event("ca1", "message", "user", "RID(corr1)"));
        post("/v1/sessions/corr-a/events", event("ca2", "status", "ai_agent", "RID(corr1)::turn"));
        post("/v1/sessions/corr-b/events", event("cb1", "message", "ai_agent", "RID(corr1)::turn"));
        post("/v1/sessions/corr-b/events", event("cb2", "message", "ai_agent", "RID(other)"));
        final Http.Answer byRoot = http.awaitGet("/v1/correlations/RID(corr1)?root=true",
                a -> a.status() == 200 && a.body().get("data").size() == 3, Duration.ofSeconds(20));
        final List<String> found = new ArrayList<>();
        byRoot.body().get("data").forEach(e -> found.add(e.get("session_id").asText() + "/" + e.get("event").get("id").asText()));
        assertEquals(List.of("corr-a/ca1", "corr-a/ca2", "corr-b/cb1"), found);
        final Http.Answer exact = http.get("/v1/correlations/RID(corr1)::turn");
        final List<String> exactIds = new ArrayList<>();
        exact.body().get("data").forEach(e -> exactIds.add(e.get("event").get("id").asText()));
        assertEquals(List.of("ca2", "cb1"), exactIds);
        assertEquals(0, http.get("/v1/correlations/RID(nothing)?root=true").body().get("data").size());
    }

    @Test
    void aCorrelationRootSharedByManySessionsIsPagedByCursor() {
        final List<String> posted = new ArrayList<>();
        for (int session = 0; session < 3; session++) {
            final StringBuilder events = new StringBuilder("[");
            for (int i = 0; i < 35; i++) {
                final String id = "w" + session + "-" + (100 + i);
                posted.add("wide-" + session + "/" + id);
                events.append(i == 0 ? "" : ",").append(event(id, "message", "user", "RID(wide)::" + (i % 2 == 0 ? "turn" : "tool")));
            }
            post("/v1/sessions/wide-" + session + "/events", events.append(']').toString());
        }
        http.awaitGet("/v1/sessions/wide-2/events", a -> a.status() == 200 && a.body().get("data").size() == 35, Duration.ofSeconds(20));
        final Http.Answer first = http.awaitGet("/v1/correlations/RID(wide)?root=true",
                a -> a.status() == 200 && a.body().get("data").size() == 100, Duration.ofSeconds(20));
        final String cursor = first.body().get("next_cursor").asText();
        final Http.Answer second = http.get("/v1/correlations/RID(wide)?root=true&cursor=" + cursor);
        assertTrue(second.body().get("next_cursor").isNull(), "the last page says so");
        final List<String> walked = new ArrayList<>();
        for (final Http.Answer page : List.of(first, second)) {
            page.body().get("data").forEach(e -> walked.add(e.get("session_id").asText() + "/" + e.get("event").get("id").asText()));
        }
        assertEquals(posted, walked, "100 by default, then the rest after the cursor: each event once, by session then offset");

        final List<String> exact = new ArrayList<>();
        String next = null;
        do {
            final Http.Answer page = http.get("/v1/correlations/RID(wide)::tool?limit=7" + (next == null ? "" : "&cursor=" + next));
            assertTrue(page.body().get("data").size() <= 7);
            page.body().get("data").forEach(e -> exact.add(e.get("event").get("id").asText()));
            next = page.body().get("next_cursor").isNull() ? null : page.body().get("next_cursor").asText();
        } while (next != null);
        assertEquals(posted.stream().map(p -> p.substring(p.indexOf('/') + 1))
                .filter(id -> Integer.parseInt(id.substring(id.indexOf('-') + 1)) % 2 == 1).toList(), exact, "an exact id pages too");
        final Http.Answer foreign = http.get("/v1/correlations/RID(wide)::tool?cursor=" + cursor);
        assertEquals(400, foreign.status(), "a cursor of another walk");
        assertEquals("cursor", foreign.body().get("errors").get(0).get("field").asText());
    }

    @Test
    void aLongPollAnswersWithItsSessionsEventOnceStampedAndTimesOutWith504() throws Exception {
        final String s = "/v1/sessions/long-poll/events";
        post(s, event("first", "message", "user", "c"));
        http.awaitGet(s, a -> a.status() == 200 && a.body().get("data").size() == 1, Duration.ofSeconds(10));

        final CompletableFuture<Integer> answered = CompletableFuture.supplyAsync(() -> {
            final Http.Answer answer = http.get(s + "?min_offset=1&wait_for_data=20");
            assertEquals(200, answer.status());
            assertEquals(List.of("second"), ids(answer));
            return answer.status();
        });
        // A write to another session is stamped and visible, and the poll still waits: it waits for its own.
        post("/v1/sessions/long-poll-other/events", event("elsewhere", "message", "user", "c"));
        http.awaitGet("/v1/sessions/long-poll-other/events", a -> a.status() == 200 && a.body().get("data").size() == 1,
                Duration.ofSeconds(10));
        assertEquals(false, answered.isDone(), "the long-poll returned without an event of its session");
        // How soon after stamping a long-poll answers is a figure of the query benchmark, not a timed assertion here:
        // this checks that it answers with its own event, before its 20 s are up.
        post(s, event("second", "message", "ai_agent", "c"));
        assertEquals(200, answered.get(20, TimeUnit.SECONDS));

        final long start = System.nanoTime();
        final Http.Answer timeout = http.get(s + "?min_offset=5&wait_for_data=1");
        assertEquals(504, timeout.status());
        assertEquals("application/problem+json", timeout.contentType());
        assertTrue((System.nanoTime() - start) / 1_000_000 >= 900, "waited about wait_for_data seconds");
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS,
            threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void serverSentEventsDeliverEveryEventInOffsetOrderAcrossAReconnect() throws Exception {
        final String s = "/v1/sessions/sse/events";
        for (int i = 0; i < 3; i++) {
            post(s, event("e" + i, "message", "user", "c"));
        }
        http.awaitGet(s, a -> a.status() == 200 && a.body().get("data").size() == 3, Duration.ofSeconds(10));
        final HttpClient client = HttpClient.newHttpClient();
        final HttpResponse<java.io.InputStream> stream = client.send(HttpRequest.newBuilder(URI.create(app.httpUrl() + s))
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        final List<JsonNode> received = new ArrayList<>();
        long lastId = -1;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            for (int i = 3; i < 6; i++) {
                post(s, event("e" + i, "message", "ai_agent", "c"));
            }
            while (received.size() < 6) {
                final String line = reader.readLine();
                org.junit.jupiter.api.Assertions.assertNotNull(line, "the stream ended after " + received.size() + " events");
                if (line.startsWith("id: ")) {
                    lastId = Long.parseLong(line.substring(4).trim());
                } else if (line.startsWith("data: ")) {
                    received.add(JSON.readTree(line.substring(6)));
                }
            }
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), received.stream().map(e -> e.get("offset").asLong()).toList());
        assertEquals(5, lastId);

        for (int i = 6; i < 8; i++) {
            post(s, event("e" + i, "message", "ai_agent", "c"));
        }
        final HttpResponse<java.io.InputStream> resumed = client.send(HttpRequest.newBuilder(URI.create(app.httpUrl() + s))
                .header("Accept", "text/event-stream").header("Last-Event-ID", String.valueOf(lastId)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        final List<Long> after = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(resumed.body(), StandardCharsets.UTF_8))) {
            while (after.size() < 2) {
                final String line = reader.readLine();
                org.junit.jupiter.api.Assertions.assertNotNull(line, "the resumed stream ended after " + after.size() + " events");
                if (line.startsWith("data: ")) {
                    after.add(JSON.readTree(line.substring(6)).get("offset").asLong());
                }
            }
        }
        assertEquals(List.of(6L, 7L), after, "a reconnect with Last-Event-ID resumes right after, without gap or repeat");
    }

    @Test
    void statsCountEventsDeletesAndNewSessionsPerBucketWithEmptyBucketsAsZeros() {
        final java.time.Instant hour = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS).minus(Duration.ofHours(5));
        final String range = "&from=" + hour + "&to=" + hour.plus(Duration.ofHours(4));
        post("/v1/sessions/stats-a/events", recentEvent("sa1", "message", hour.plusSeconds(60)));
        post("/v1/sessions/stats-a/events", recentEvent("sa2", "status", hour.plusSeconds(120)));
        post("/v1/sessions/stats-b/events", recentEvent("sb1", "message", hour.plus(Duration.ofHours(2))));
        post("/v1/sessions/stats-b/events", recentEvent("sb2", "message", hour.minus(Duration.ofHours(1)))); // before the range
        assertEquals(202, http.post("/v1/syllable/events", "{\"timestamp\":\"" + hour.plus(Duration.ofMinutes(3))
                + "\",\"session_id\":\"stats-y\",\"type\":\"phone-transfer\"}").status());
        final JsonNode stats = http.awaitGet("/v1/stats?interval=hour&by=type" + range, a -> a.status() == 200
                && a.body().get("buckets").get(0).get("events").asInt() == 3 && a.body().get("buckets").get(2).get("events").asInt() == 1
                // New sessions are counted from the sessions topic, applied apart from the events: wait for them too.
                && a.body().get("buckets").get(0).get("new_sessions").asInt() >= 2, Duration.ofSeconds(20)).body();
        assertEquals(4, stats.get("buckets").size(), "every bucket of [from, to)");
        final JsonNode first = stats.get("buckets").get(0);
        assertEquals(hour.toString(), first.get("start").asText());
        assertEquals(1, first.get("groups").get("message").get("events").asInt(), "message, custom, status in the first hour");
        assertEquals(1, first.get("groups").get("custom").get("events").asInt());
        assertEquals(1, first.get("groups").get("status").get("events").asInt());
        assertEquals(2, first.get("new_sessions").asInt(), "stats-a and stats-y were created in it");
        final JsonNode empty = stats.get("buckets").get(1);
        assertEquals(0, empty.get("events").asInt() + empty.get("deletes").asInt() + empty.get("new_sessions").asInt()
                + empty.get("duplicates").asInt(), "an empty bucket is zeros");
        send("DELETE", "/v1/sessions/stats-a/events/sa2");
        final JsonNode afterDelete = http.awaitGet("/v1/stats?interval=hour" + range, a -> a.status() == 200
                && a.body().get("buckets").get(0).get("deletes").asInt() == 1, Duration.ofSeconds(20)).body().get("buckets").get(0);
        assertEquals(2, afterDelete.get("events").asInt(), "a deleted event leaves the events count for the deletes count");
        int days = 0;
        for (final JsonNode day : http.get("/v1/stats?interval=day&from=" + hour.minus(Duration.ofHours(1)) + "&to="
                + hour.plus(Duration.ofHours(3))).body().get("buckets")) {
            days += day.get("events").asInt();
        }
        assertEquals(4, days, "day buckets: every visible event of these sessions, the one before the hour range too");
        assertEquals("by", http.get("/v1/stats?by=color").body().get("errors").get(0).get("field").asText());
        assertEquals("interval", http.get("/v1/stats?interval=week").body().get("errors").get(0).get("field").asText());
        assertEquals("from", http.get("/v1/stats?interval=minute&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z").body()
                .get("errors").get(0).get("field").asText(), "too many buckets");
    }

    private static String recentEvent(final String id, final String type, final java.time.Instant at) {
        return event(id, type, "user", "c").replace("2025-01-29T09:27:41Z", at.toString());
    }

    @Test
    void aFlux0EventReadsBackInItsOwnShapeWithExtraFieldsAndOurOffset() {
        final String s = "/v1/sessions/shape-origin/events";
        post(s, "{\"id\":\"o1\",\"correlation_id\":\"c\",\"type\":\"custom\",\"source\":\"user\",\"offset\":7,"
                + "\"data\":{},\"created_at\":\"2025-01-29T09:27:41Z\",\"extra\":{\"kept\":true}}");
        final JsonNode origin = http.awaitGet(s + "?shape=origin", a -> a.status() == 200 && a.body().get("data").size() == 1,
                Duration.ofSeconds(10)).body().get("data").get(0);
        assertEquals(0, origin.get("offset").asInt(), "sessionlog's offset");
        assertEquals(true, origin.get("extra").get("kept").asBoolean(), "an unknown field sent comes back");
        assertEquals(400, http.get(s + "?shape=syllable").status());
    }

    @Test
    void aTypeOrSourceOutsideFlux0sEnumIsRefusedNamingTheParameter() {
        final Http.Answer types = http.get("/v1/sessions/any/events?types=robot");
        assertEquals(400, types.status());
        assertEquals("types", types.body().get("errors").get(0).get("field").asText());
        assertTrue(types.body().get("errors").get(0).get("reason").asText().contains("message, tool, status, custom"));
        assertEquals("source", http.get("/v1/sessions/any/events?source=tool-call").body().get("errors").get(0).get("field").asText());
    }

    private static List<String> ids(final Http.Answer answer) {
        final List<String> ids = new ArrayList<>();
        answer.body().get("data").forEach(e -> ids.add(e.get("id").asText()));
        return ids;
    }

    private static void post(final String path, final String body) {
        assertEquals(202, http.post(path, body).status());
    }

    private static void send(final String method, final String path) {
        try {
            final var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.httpUrl() + path))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            assertEquals(202, response.statusCode());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String event(final String id, final String type, final String source, final String correlation) {
        final String data = switch (type) {
            case "message" -> "{\"type\":\"message\",\"parts\":[]}";
            case "status" -> "{\"type\":\"status\",\"status\":\"processing\"}";
            case "tool" -> "{\"type\":\"tool_call_result\",\"tool_calls\":[]}";
            default -> "{}";
        };
        return "{\"id\":\"" + id + "\",\"correlation_id\":\"" + correlation + "\",\"type\":\"" + type + "\",\"source\":\"" + source
                + "\",\"data\":" + data + ",\"created_at\":\"2025-01-29T09:27:41Z\"}";
    }
}
