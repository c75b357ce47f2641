package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionlog.ingest.Fixtures;
import io.sessionlog.testsupport.SharedKafkaCluster;
import io.sessionlog.schemas.avro.EventAppended;
import io.sessionlog.schemas.avro.WriteIntent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The write side of contract §2 over HTTP, against a real broker: every format, every refusal, nothing lost. */
@ExtendWith(SharedKafkaCluster.class)
class IngestIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "ingest-" + System.nanoTime() + ".";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
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
    void everyFixtureIsAcceptedOnItsRoute() throws IOException {
        for (final Path file : fixtures("E")) {
            assertEquals(202, http.post("/v1/sessions/fixtures-e/events", Files.readAllBytes(file)).status(), file.toString());
        }
        for (final Path file : fixtures("Y")) {
            final int expected = file.getFileName().toString().equals("02.json") ? 400 : 202;
            assertEquals(expected, http.post("/v1/syllable/events", Files.readAllBytes(file)).status(), file.toString());
        }
        for (final Path file : fixtures("K")) {
            final Http.Answer answer = http.post("/v1/inkeep/events", Files.readAllBytes(file));
            assertEquals(200, answer.status(), file.toString());
            final JsonNode sent = JSON.readTree(file.toFile());
            final String subject = switch (sent.get("entityType").asText()) {
                case "message" -> "messageId";
                case "search" -> "searchQuery";
                default -> "conversationId";
            };
            assertEquals(sent.get(subject), answer.body().get(subject), file + ": Inkeep's Select…Event names what it is about");
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L), Http.offsets(http.awaitGet("/v1/sessions/fixtures-e/events?include_deleted=true",
                a -> a.status() == 200 && a.body().get("data").size() == 7, Duration.ofSeconds(10))));
        assertEquals(2, http.awaitGet("/v1/sessions/b5c1e7f2-3c1d-4a55-9f0e-1d2a3b4c5d6e/events",
                a -> a.status() == 200 && a.body().get("data").size() >= 2, Duration.ofSeconds(10)).body().get("data").size(),
                "Y events with a session_id land in that session, and only they");
        assertEquals(1, http.awaitGet("/v1/sessions/c-84312/events", a -> a.status() == 200, Duration.ofSeconds(10))
                .body().get("data").size(), "a Y event without session_id lands in its conversation");
    }

    @Test
    void theInkeepRouteAnswersWithInkeepsSelectEventOfEachEntityType() throws IOException {
        final Http.Answer answer = http.post("/v1/inkeep/events", Fixtures.bytes("K/02.json"));
        assertEquals(200, answer.status());
        assertEquals("application/json", answer.contentType());
        final JsonNode event = answer.body();
        assertEquals(Set.of("id", "type", "conversationId", "createdAt", "projectId", "integrationId", "properties",
                "userProperties", "entityType"), fieldNames(event));
        assertEquals("evt_01HZX3", event.get("id").asText());
        assertEquals("conversation_shared", event.get("type").asText());
        assertEquals("2025-02-06T16:45:12.301Z", event.get("createdAt").asText());
        assertEquals("proj_abc", event.get("projectId").asText());
        assertEquals("int_web_1", event.get("integrationId").asText());
        assertEquals("link", event.get("properties").get("shareTarget").asText());
        assertEquals("pro", event.get("userProperties").get("plan").asText());
        assertEquals("conversation", event.get("entityType").asText());

        final JsonNode defaulted = http.post("/v1/inkeep/events", Fixtures.bytes("K/03.json")).body();
        assertFalse(defaulted.get("createdAt").isNull(), "without createdAt the ingest time is taken");
        assertFalse(defaulted.get("id").asText().isEmpty(), "without id a deterministic one is given");

        final JsonNode message = http.post("/v1/inkeep/events", Fixtures.bytes("K/05.json")).body();
        assertEquals(Set.of("id", "type", "messageId", "createdAt", "projectId", "integrationId", "properties",
                "userProperties", "entityType"), fieldNames(message), "SelectMessageEvent");
        final JsonNode search = http.post("/v1/inkeep/events", Fixtures.bytes("K/06.json")).body();
        assertEquals(Set.of("id", "type", "searchQuery", "createdAt", "projectId", "integrationId", "properties",
                "userProperties", "entityType"), fieldNames(search), "SelectSearchEvent");
        assertEquals("rotate kafka sasl credentials", search.get("searchQuery").asText());

        final Http.Answer refused = http.post("/v1/inkeep/events", "{\"type\":\"chat_shared\",\"entityType\":\"conversation\"}");
        assertEquals(400, refused.status());
        assertEquals("application/problem+json", refused.contentType());
        assertEquals("bad_request", refused.body().get("error").get("code").asText(), "Inkeep's SDK reads error.code");
    }

    @Test
    void everyBadCaseIsRefusedAsListedAndNothingOfItReachesKafka() throws Exception {
        final List<String> refusedMarkers = new ArrayList<>();
        for (final JsonNode badCase : JSON.readTree(Fixtures.bytes("bad/cases.json"))) {
            final String[] route = badCase.get("route").asText().split(" ", 2);
            final String body = badCase.get("body").asText();
            final long before = TestApps.rawEndOffsets(app, PREFIX);
            final HttpResponse<String> response = send(route[0], route[1], body);
            final String name = badCase.get("name").asText();
            assertEquals(before, TestApps.rawEndOffsets(app, PREFIX), name + ": nothing of a refused request is written");
            assertEquals(badCase.get("expect_status").asInt(), response.statusCode(), name + ": " + response.body());
            assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""), name);
            final JsonNode problem = JSON.readTree(response.body());
            assertTrue(problem.get("errors").size() > 0, name + " names the invalid fields: " + response.body());
            problem.get("errors").forEach(e -> assertFalse(e.get("reason").asText().isBlank(), name));
            refusedMarkers.add(body);
        }
        final Set<String> refusedIds = Set.of("Ab3kP9xQ2z", "Bb3kP9xQ2z");
        for (final WriteIntent intent : TestApps.rawIntents(app, PREFIX)) {
            if (intent.getIntent() instanceof EventAppended appended) {
                assertFalse(refusedIds.contains(appended.getEvent().getEventId()), "a refused batch wrote " + appended.getEvent().getEventId());
            }
            assertFalse(Set.of("s-1", "c1").contains(intent.getSessionKey()), "a refused item reached Kafka: " + intent.getSessionKey());
        }
    }

    @Test
    void aResubmittedRequestGetsTheSameIdsAndIsStampedOnce() {
        final String syllable = new String(Fixtures.bytes("Y/01.json"), StandardCharsets.UTF_8).replace("b5c1e7f2-3c1d", "retry-3c1d");
        final String first = http.post("/v1/syllable/events", syllable).body().get("data").get(0).get("id").asText();
        final String second = http.post("/v1/syllable/events", syllable).body().get("data").get(0).get("id").asText();
        assertEquals(first, second);
        final String inkeep = "{\"type\":\"chat_shared\",\"conversationId\":\"retry-conv\",\"entityType\":\"conversation\"}";
        assertEquals(http.post("/v1/inkeep/events", inkeep).body().get("id").asText(),
                http.post("/v1/inkeep/events", inkeep).body().get("id").asText());
        final String session = "/v1/sessions/retry-3c1d-4a55-9f0e-1d2a3b4c5d6e";
        http.awaitGet(session + "?include=stats", a -> a.status() == 200
                && a.body().get("stats").get("duplicate_count").asLong() == 1, Duration.ofSeconds(10));
        // Events and views are projected apart: wait for the event itself, then check it is there once.
        assertEquals(1, http.awaitGet(session + "/events", a -> a.status() == 200 && a.body().get("data").size() >= 1,
                Duration.ofSeconds(10)).body().get("data").size(), "the retry was deduplicated");
    }

    @Test
    void unicodeAndOneMebibyteEventsRoundTripByteExact() {
        final String unicode = "Il fait 16 °C et brumeux à San Francisco 🌁 — 旧金山有雾。 \\u00e9 \\ud83d\\ude00";
        final String prefix = "{\"id\":\"big-event1\",\"correlation_id\":\"c\",\"type\":\"message\",\"source\":\"ai_agent\","
                + "\"created_at\":\"2025-01-29T09:27:44\",\"data\":{\"type\":\"message\",\"parts\":[{\"type\":\"content\",\"content\":\""
                + unicode;
        final String suffix = "\"}]},  \"unknown_extra\" : [1, {\"kept\": true}]}";
        final int fill = 1024 * 1024 - prefix.getBytes(StandardCharsets.UTF_8).length - suffix.getBytes(StandardCharsets.UTF_8).length;
        final byte[] body = (prefix + "x".repeat(fill) + suffix).getBytes(StandardCharsets.UTF_8);
        assertEquals(1024 * 1024, body.length);

        assertEquals(202, http.post("/v1/sessions/big/events", body).status());
        final WriteIntent stored = TestApps.rawIntents(app, PREFIX).stream()
                .filter(i -> i.getIntent() instanceof EventAppended a && a.getEvent().getEventId().equals("big-event1"))
                .findFirst().orElseThrow();
        final var raw = ((EventAppended) stored.getIntent()).getEvent().getRaw();
        final byte[] kept = new byte[raw.remaining()];
        raw.get(kept);
        assertEquals(new String(body, StandardCharsets.UTF_8), new String(kept, StandardCharsets.UTF_8));
        assertTrue(java.util.Arrays.equals(body, kept), "the original payload is kept byte for byte");

        final Http.Answer read = http.awaitGet("/v1/sessions/big/events/big-event1", a -> a.status() == 200, Duration.ofSeconds(10));
        assertTrue(read.body().get("data").get("parts").get(0).get("content").asText().startsWith(
                "Il fait 16 °C et brumeux à San Francisco 🌁 — 旧金山有雾。 é 😀"));

        final byte[] over = (prefix + "x".repeat(fill + 1) + suffix).getBytes(StandardCharsets.UTF_8);
        final Http.Answer tooLarge = http.post("/v1/sessions/big/events", over);
        assertEquals(413, tooLarge.status());
        assertTrue(tooLarge.body().get("detail").asText().contains("ingest.max.event.bytes"), tooLarge.body().toString());
    }

    @Test
    void aRequestOverTheRequestLimitIsRefusedWith413() {
        final String item = "{\"timestamp\":\"2025-03-07T14:05:00Z\",\"session_id\":\"large-request\",\"description\":\""
                + "y".repeat(900 * 1024) + "\"}";
        final String body = "[" + String.join(",", java.util.Collections.nCopies(12, item)) + "]";
        assertEquals(413, http.post("/v1/syllable/events", body).status());
    }

    @Test
    void sessionsArePatchedAndEventsSoftDeleted() {
        final Http.Answer created = http.post("/v1/sessions", "{\"agent_id\":\"vUfk4PgjTm\",\"user_id\":\"v9pg5Zv3h4\",\"title\":\"A tale\"}");
        assertEquals(202, created.status());
        final String id = created.body().get("data").get(0).get("id").asText();
        assertTrue(id.matches("[A-Za-z0-9][A-Za-z0-9-]{8}[A-Za-z0-9]"), "a generated flux0 session id: " + id);
        for (int i = 0; i < 3; i++) {
            assertEquals(202, http.post("/v1/sessions/" + id + "/events", "{\"id\":\"ev" + i + "\",\"correlation_id\":\"c\","
                    + "\"type\":\"custom\",\"source\":\"system\",\"data\":{\"n\":" + i + "},\"created_at\":1738142861000}").status());
        }
        assertEquals(202, send("PATCH", "/v1/sessions/" + id, "{\"consumption_offsets\":{\"client\":1,\"voice-bot\":0}}").statusCode());
        assertEquals(202, send("DELETE", "/v1/sessions/" + id + "/events?min_offset=2", "").statusCode());
        final Http.Answer session = http.awaitGet("/v1/sessions/" + id + "?include=stats", a -> a.status() == 200
                && a.body().get("stats").get("deleted_count").asLong() == 1, Duration.ofSeconds(10));
        assertEquals("vUfk4PgjTm", session.body().get("agent_id").asText());
        assertEquals("A tale", session.body().get("title").asText());
        assertEquals(1, session.body().get("consumption_offsets").get("client").asLong());
        assertEquals(0, session.body().get("stats").get("unread_counts").get("client").asLong(), "offset 2 is deleted");
        assertEquals(List.of(0L, 1L), Http.offsets(http.awaitGet("/v1/sessions/" + id + "/events",
                a -> a.status() == 200 && a.body().get("data").size() == 2, Duration.ofSeconds(10))));
        assertEquals(202, send("DELETE", "/v1/sessions/" + id + "/events/ev0", "").statusCode());
        assertEquals(List.of(1L), Http.offsets(http.awaitGet("/v1/sessions/" + id + "/events",
                a -> a.body().get("data").size() == 1, Duration.ofSeconds(10))));
        assertEquals(202, send("PATCH", "/v1/sessions/" + id, "{\"title\":null}").statusCode());
        final Http.Answer untitled = http.awaitGet("/v1/sessions/" + id, a -> a.status() == 200 && a.body().get("title").isNull(),
                Duration.ofSeconds(10));
        assertEquals(1, untitled.body().get("consumption_offsets").get("client").asLong(), "removing the title keeps the offsets");
    }

    @Test
    void bulkNdjsonListsEveryBadLineAndWritesNothingOfARefusedBatch() {
        final String good = "{\"timestamp\":\"2025-03-07T14:05:00Z\",\"session_id\":\"bulk-1\",\"type\":\"hangup\"}";
        final Http.Answer refused = http.post("/v1/bulk?format=Y", good + "\n\n{\"timestamp\":\"never\",\"session_id\":\"bulk-1\"}\nnot json\n");
        assertEquals(400, refused.status());
        final List<Integer> lines = new ArrayList<>();
        refused.body().get("errors").forEach(e -> lines.add(e.get("index").asInt()));
        assertEquals(List.of(2, 3), lines, "0-based line numbers of the bad lines: " + refused.body());
        final Http.Answer accepted = http.post("/v1/bulk?format=Y", good + "\n" + good.replace("hangup", "transfer") + "\n");
        assertEquals(202, accepted.status());
        assertEquals(2, accepted.body().get("accepted").asInt());
        assertEquals(2, http.awaitGet("/v1/sessions/bulk-1/events", a -> a.status() == 200
                && a.body().get("data").size() == 2, Duration.ofSeconds(10)).body().get("data").size());
    }

    private static Set<String> fieldNames(final JsonNode node) {
        final Set<String> names = new java.util.HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<Path> fixtures(final String format) {
        return Fixtures.files(format);
    }

    private static HttpResponse<String> send(final String method, final String path, final String body) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create(app.httpUrl() + path))
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
