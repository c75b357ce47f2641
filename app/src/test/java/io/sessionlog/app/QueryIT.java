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
        send("DELETE", s + "/m1");
        http.awaitGet(s, a -> a.body().get("data").size() == 3, Duration.ofSeconds(10));
        assertEquals(List.of("m1", "s1", "t1", "m2"), ids(http.get(s + "?include_deleted=true")));
        assertTrue(http.get(s + "/m1").body().get("deleted").asBoolean(), "one event by id, deleted or not");
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
    void aLongPollReturnsAsSoonAsTheEventIsStampedAndTimesOutWith504() throws Exception {
        final String s = "/v1/sessions/long-poll/events";
        post(s, event("first", "message", "user", "c"));
        http.awaitGet(s, a -> a.status() == 200 && a.body().get("data").size() == 1, Duration.ofSeconds(10));

        final CompletableFuture<Long> answered = CompletableFuture.supplyAsync(() -> {
            final Http.Answer answer = http.get(s + "?min_offset=1&wait_for_data=20");
            assertEquals(200, answer.status());
            assertEquals(List.of("second"), ids(answer));
            return System.nanoTime();
        });
        // A write to another session is stamped and visible, and the poll still waits: it waits for its own.
        post("/v1/sessions/long-poll-other/events", event("elsewhere", "message", "user", "c"));
        http.awaitGet("/v1/sessions/long-poll-other/events", a -> a.status() == 200 && a.body().get("data").size() == 1,
                Duration.ofSeconds(10));
        assertEquals(false, answered.isDone(), "the long-poll returned without an event of its session");
        try (StampedWatch stamped = new StampedWatch(app.bootstrapServers(), new io.sessionlog.schemas.Topics(PREFIX).events())) {
            post(s, event("second", "message", "ai_agent", "c"));
            final long visible = stamped.awaitFirstRecordNanos(Duration.ofSeconds(20));
            final long afterStampingMillis = (answered.get(20, TimeUnit.SECONDS) - visible) / 1_000_000;
            System.out.println("long-poll answered " + afterStampingMillis + " ms after the stamped event became visible");
            assertTrue(afterStampingMillis <= 100, "a long-poll returns within 100 ms of the event being stamped: " + afterStampingMillis);
        }

        final long start = System.nanoTime();
        final Http.Answer timeout = http.get(s + "?min_offset=5&wait_for_data=1");
        assertEquals(504, timeout.status());
        assertEquals("application/problem+json", timeout.contentType());
        assertTrue((System.nanoTime() - start) / 1_000_000 >= 900, "waited about wait_for_data seconds");
    }

    @Test
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
                if (line.startsWith("data: ")) {
                    after.add(JSON.readTree(line.substring(6)).get("offset").asLong());
                }
            }
        }
        assertEquals(List.of(6L, 7L), after, "a reconnect with Last-Event-ID resumes right after, without gap or repeat");
    }

    @Test
    void syllableAndInkeepEventsReadBackWholeAsValidFlux0Dtos() throws Exception {
        final java.util.Map<String, JsonNode> sentById = new java.util.HashMap<>();
        final java.util.Set<String> sessions = new java.util.TreeSet<>();
        for (final String format : List.of("Y", "K")) {
            for (final java.nio.file.Path file : io.sessionlog.ingest.Fixtures.files(format)) {
                final byte[] body = io.sessionlog.ingest.Fixtures.bytes(file);
                final Http.Answer answer = http.post(format.equals("Y") ? "/v1/syllable/events" : "/v1/inkeep/events", body);
                if (answer.status() == 400) {
                    continue; // the fixtures' own refusals (a Syllable event without a session)
                }
                assertTrue(answer.status() == 202 || answer.status() == 200, file + ": " + answer.status());
                final String id = format.equals("Y") ? answer.body().get("data").get(0).get("id").asText() : answer.body().get("id").asText();
                final String session = format.equals("Y") ? answer.body().get("data").get(0).get("session_key").asText()
                        : answer.body().get("conversationId").asText();
                sentById.put(id, JSON.readTree(body));
                sessions.add(session);
            }
        }
        int read = 0;
        for (final String session : sessions) {
            final Http.Answer events = http.awaitGet("/v1/sessions/" + session + "/events",
                    a -> a.status() == 200 && a.body().get("data").size() > 0, Duration.ofSeconds(20));
            for (final JsonNode event : events.body().get("data")) {
                assertValidEventDto(event);
                assertEquals("custom", event.get("type").asText());
                assertEquals(sentById.get(event.get("id").asText()), event.get("data"), "data is the event as it was sent, whole");
                // The index by event id is another store of the projections, updated just after the listing's.
                assertEquals(event, http.awaitGet("/v1/sessions/" + session + "/events/" + event.get("id").asText(),
                        a -> a.status() == 200, Duration.ofSeconds(10)).body(), "one event reads as in the listing");
                final JsonNode correlated = http.awaitGet("/v1/correlations/" + java.net.URLEncoder.encode(
                        event.get("correlation_id").asText(), StandardCharsets.UTF_8),
                        a -> a.status() == 200 && a.body().get("data").size() > 0, Duration.ofSeconds(10)).body().get("data");
                assertEquals(event, correlated.get(0).get("event"), "found by its correlation id");
                read++;
            }
            // ?shape=origin: each event as its origin sent it (Inkeep's answer shape, with what was sent).
            for (final JsonNode origin : http.get("/v1/sessions/" + session + "/events?shape=origin").body().get("data")) {
                final String id = origin.has("id") && sentById.containsKey(origin.get("id").asText()) ? origin.get("id").asText() : null;
                final JsonNode sent = id != null ? sentById.get(id) : sentById.values().stream().filter(origin::equals).findFirst().orElse(null);
                assertTrue(sent != null, "a Syllable event reads back as sent: " + origin);
                sent.fieldNames().forEachRemaining(field -> {
                    if (!field.equals("createdAt")) {
                        assertEquals(sent.get(field), origin.get(field), field + " as sent");
                    }
                });
            }
            assertEquals(events.body().get("data").size(), http.get("/v1/sessions/" + session + "/events?types=custom")
                    .body().get("data").size(), "?types= matches the type shown");
            final JsonNode dto = http.get("/v1/sessions/" + session).body();
            assertTrue(dto.get("agent_id").isTextual() && dto.get("user_id").isTextual(), "SessionDTO requires both: " + dto);
        }
        assertEquals(sentById.size(), read, "every accepted event read back");
        // A consumer of sessionlog.events alone, with the registry, recovers every field the producer sent.
        final var values = new io.sessionlog.schemas.serde.SpecificAvroDeserializer<>(io.sessionlog.schemas.avro.StampedEvent.class);
        values.configure(Map.of("schema.registry.url", app.registryUrl().orElseThrow()), false);
        int consumed = 0;
        for (final var stamped : io.sessionlog.testsupport.CommittedRecords.values(app.bootstrapServers(),
                new io.sessionlog.schemas.Topics(PREFIX).events(), values)) {
            final JsonNode sent = sentById.get(stamped.getEvent().getEventId());
            if (sent != null) {
                final java.nio.ByteBuffer raw = stamped.getEvent().getRaw();
                assertEquals(sent, JSON.readTree(new String(raw.array(), raw.arrayOffset() + raw.position(), raw.remaining(),
                        StandardCharsets.UTF_8)), "the events topic keeps the producer's document");
                consumed++;
            }
        }
        assertEquals(sentById.size(), consumed);
        assertEquals("c-84312", sessions.stream().filter("c-84312"::equals).findFirst().orElseThrow());
        // Listing sessions by origin and by conversation.
        final java.util.Set<String> syllable = new java.util.TreeSet<>();
        http.get("/v1/sessions?origin=syllable&limit=1000").body().get("data").forEach(v -> syllable.add(v.get("id").asText()));
        final java.util.Set<String> inkeep = new java.util.TreeSet<>();
        http.get("/v1/sessions?origin=inkeep&limit=1000").body().get("data").forEach(v -> inkeep.add(v.get("id").asText()));
        assertTrue(syllable.contains("c-84312") && !inkeep.contains("c-84312"), syllable + " / " + inkeep);
        assertTrue(!inkeep.isEmpty() && java.util.Collections.disjoint(syllable, inkeep));
        // Y/01 names its session and the conversation c-84312; Y/03 names only the conversation, its session.
        assertEquals(List.of("b5c1e7f2-3c1d-4a55-9f0e-1d2a3b4c5d6e", "c-84312"), java.util.stream.StreamSupport.stream(
                http.get("/v1/sessions?conversation_id=c-84312").body().get("data").spliterator(), false)
                .map(v -> v.get("id").asText()).toList());
        assertEquals("origin", http.get("/v1/sessions?origin=banana").body().get("errors").get(0).get("field").asText());
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

    /** The rules of flux0's EventDTO: every required field present and non-null, enums within flux0's values. */
    private static void assertValidEventDto(final JsonNode event) {
        for (final String field : List.of("id", "correlation_id", "type", "source", "data", "created_at")) {
            assertTrue(event.hasNonNull(field), field + " is required: " + event);
        }
        assertTrue(List.of("message", "tool", "status", "custom").contains(event.get("type").asText()), event.toString());
        assertTrue(List.of("user", "ai_agent", "system").contains(event.get("source").asText()), event.toString());
        assertTrue(event.get("data").isObject(), "data is an object: " + event);
        assertTrue(event.get("offset").isIntegralNumber() && event.get("deleted").isBoolean(), event.toString());
        assertTrue(event.get("metadata").isObject() || event.get("metadata").isNull(), event.toString());
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
