package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionlog.schemas.Topics;
import io.sessionlog.testsupport.CommittedRecords;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hard delete of a session of each origin, through the route its users call: {@code DELETE /v1/sessions/{id}} answers
 * 204 (Parlant), Inkeep's {@code DELETE /conversations/{id}} answers as Inkeep does. Afterwards every read route
 * answers 404 or leaves the session out, the other sessions are untouched, consumers of {@code events} and
 * {@code sessions} see a tombstone, and a new event with the id starts a new session.
 */
@ExtendWith(SharedKafkaCluster.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HardDeleteIT {

    private static final String PREFIX = "harddelete-" + System.nanoTime() + ".";
    private static final String FLUX0 = "erase-flux0";
    private static final String SYLLABLE = "erase-call";
    private static final String INKEEP = "erase-conv";
    private static final List<String> ERASED = List.of(FLUX0, SYLLABLE, INKEEP);
    private static final String KEPT = "kept-flux0";

    private static Sessionlog app;
    private static Http http;

    @BeforeAll
    static void writeAndDelete() {
        app = TestApps.start(PREFIX, Map.of());
        http = new Http(app.httpUrl());
        for (final String session : List.of(FLUX0, KEPT)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(202, http.post("/v1/sessions/" + session + "/events", """
                        {"id": "%s-%d", "correlation_id": "RID(shared-root)::%s%d", "type": "message", "source": "user",
                         "data": {"type": "message", "parts": [{"type": "content", "content": "my card is 4111 %s"}]},
                         "created_at": "2025-01-29T09:27:4%dZ"}""".formatted(session, i, session, i, session, i)).status());
            }
        }
        assertEquals(202, http.post("/v1/syllable/events", """
                {"session_id": "%s", "user_id": "caller-9", "source": "tool-call", "category": "automation",
                 "type": "phone-transfer", "description": "caller said 4111", "timestamp": "2025-03-07T14:02:11.482Z"}"""
                .formatted(SYLLABLE)).status());
        assertEquals(200, http.post("/v1/inkeep/events", """
                {"type": "message:sent", "entityType": "conversation", "conversationId": "%s",
                 "properties": {"said": "4111"}}""".formatted(INKEEP)).status());
        for (final String session : List.of(FLUX0, SYLLABLE, INKEEP, KEPT)) {
            http.awaitGet("/v1/sessions/" + session, a -> a.status() == 200, Duration.ofSeconds(30));
        }
        http.awaitGet("/v1/correlations/RID%28shared-root%29?root=true", a -> a.status() == 200
                && a.body().get("data").size() == 6, Duration.ofSeconds(30));

        final Http.Answer flux0 = http.delete("/v1/sessions/" + FLUX0);
        assertEquals(204, flux0.status(), "as Parlant answers DELETE /sessions/{id}");
        assertEquals(204, http.delete("/v1/sessions/" + SYLLABLE).status());
        final Http.Answer inkeep = http.delete("/v1/inkeep/conversations/" + INKEEP);
        assertEquals(200, inkeep.status());
        assertTrue(inkeep.body().get("success").asBoolean(), "Inkeep's DeleteConversationResponseBody: " + inkeep.body());
        for (final String session : ERASED) {
            http.awaitGet("/v1/sessions/" + session, a -> a.status() == 404, Duration.ofSeconds(30));
        }
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void everyReadRouteAnswers404OrLeavesTheSessionsOut() {
        for (final String session : ERASED) {
            http.awaitGet("/v1/sessions/" + session + "/events?include_deleted=true", a -> a.status() == 404, Duration.ofSeconds(30));
        }
        assertEquals(404, http.get("/v1/sessions/" + FLUX0 + "/events/" + FLUX0 + "-0").status());
        final List<String> correlated = sessionIds(http.awaitGet("/v1/correlations/RID%28shared-root%29?root=true&include_deleted=true",
                a -> a.status() == 200 && a.body().get("data").size() == 3, Duration.ofSeconds(30)).body());
        assertEquals(List.of(KEPT, KEPT, KEPT), correlated, "only the other session's events are linked");
        final JsonNode listing = http.get("/v1/sessions?limit=1000").body();
        final List<String> listed = listing.get("data").findValuesAsText("id");
        assertTrue(listed.contains(KEPT), listed.toString());
        ERASED.forEach(session -> assertFalse(listed.contains(session), session + " is not listed: " + listed));
        final List<String> searched = sessionIds(http.get("/v1/events?include_deleted=true&limit=1000").body());
        ERASED.forEach(session -> assertFalse(searched.contains(session), session + " has no event found across sessions"));
        assertEquals(0, http.get("/v1/syllable/events?include_deleted=true&limit=100").body().get("items").findValuesAsText("session_id")
                .stream().filter(SYLLABLE::equals).count(), "Syllable's list leaves the call out");
        assertEquals(List.of(KEPT + "-0", KEPT + "-1", KEPT + "-2"), http.get("/v1/sessions/" + KEPT + "/events").body()
                .get("data").findValuesAsText("id"), "another session keeps every event");
    }

    @Test
    void consumersOfEventsAndSessionsSeeATombstoneForEachDeletedSession() {
        final Topics topics = new Topics(PREFIX);
        for (final String topic : List.of(topics.events(), topics.sessions())) {
            final List<ConsumerRecord<String, byte[]>> records = CommittedRecords.transactions(app.bootstrapServers(), topic,
                    new ByteArrayDeserializer()).stream().flatMap(List::stream).toList();
            for (final String session : ERASED) {
                final ConsumerRecord<String, byte[]> last = records.stream().filter(r -> r.key().equals(session))
                        .reduce((first, second) -> second).orElseThrow();
                assertNull(last.value(), topic + ": the last record of " + session + " is a tombstone");
            }
        }
    }

    @Test
    void aNewEventWithTheIdStartsANewSessionAndDeletingAgainChangesNothing() {
        assertEquals(204, http.delete("/v1/sessions/never-existed").status(), "a delete is idempotent: nothing to remove is no error");
        final String again = "erase-again";
        assertEquals(202, http.post("/v1/sessions/" + again + "/events", """
                {"id": "first", "correlation_id": "RID(again)::1", "type": "message", "source": "user", "data": {"type": "message", "parts": []},
                 "created_at": "2025-01-29T09:27:41Z"}""").status());
        http.awaitGet("/v1/sessions/" + again + "/events", a -> a.status() == 200 && a.body().get("data").size() == 1, Duration.ofSeconds(30));
        assertEquals(204, http.delete("/v1/sessions/" + again).status());
        http.awaitGet("/v1/sessions/" + again, a -> a.status() == 404, Duration.ofSeconds(30));
        assertEquals(202, http.post("/v1/sessions/" + again + "/events", """
                {"id": "first", "correlation_id": "RID(again)::1", "type": "message", "source": "user", "data": {"type": "message", "parts": []},
                 "created_at": "2025-01-29T09:28:41Z"}""").status());
        final JsonNode events = http.awaitGet("/v1/sessions/" + again + "/events", a -> a.status() == 200
                && a.body().get("data").size() == 1, Duration.ofSeconds(30)).body();
        assertEquals(0, events.get("data").get(0).get("offset").asLong(), "stamped anew from offset 0, not a duplicate");
        assertEquals("2025-01-29T09:28:41Z", events.get("data").get(0).get("created_at").asText());
    }

    @Test
    void theSessionsOfOneUserAreDeletedTogetherAndNoOneElses() {
        final List<String> owned = List.of("owned-1", "owned-2", "owned-3", "owned-4", "owned-5");
        for (final String session : List.of("owned-1", "owned-2", "owned-3", "owned-4", "owned-5", "not-owned")) {
            assertEquals(202, http.post("/v1/syllable/events", """
                    {"session_id": "%s", "user_id": "%s", "source": "tool-call", "category": "automation",
                     "type": "phone-transfer", "timestamp": "2025-03-07T14:02:11.482Z"}"""
                    .formatted(session, session.equals("not-owned") ? "owner-78" : "owner-77")).status());
        }
        http.awaitGet("/v1/sessions?user_id=owner-77", a -> a.status() == 200 && a.body().get("data").size() == 5, Duration.ofSeconds(30));
        http.awaitGet("/v1/sessions/not-owned", a -> a.status() == 200, Duration.ofSeconds(30));

        assertEquals(400, http.delete("/v1/sessions").status(), "never every session");
        final Http.Answer unknown = http.delete("/v1/sessions?user_id=unknown");
        assertEquals(400, unknown.status());
        assertEquals("user_id", unknown.body().get("errors").get(0).get("field").asText());
        final Http.Answer deleted = http.delete("/v1/sessions?user_id=owner-77");
        assertEquals(204, deleted.status(), "as Parlant answers a delete of sessions by customer");
        assertEquals("5", deleted.headers().firstValue("Sessionlog-Deleted-Sessions").orElseThrow());
        for (final String session : owned) {
            http.awaitGet("/v1/sessions/" + session, a -> a.status() == 404, Duration.ofSeconds(30));
        }
        assertEquals(0, http.get("/v1/sessions?user_id=owner-77").body().get("data").size());
        assertEquals(200, http.get("/v1/sessions/not-owned").status(), "another user's session stays");
    }

    @Test
    void everyChangelogBoundsHowLongATombstoneWaitsForCompaction() throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", app.bootstrapServers()))) {
            final List<String> changelogs = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(name -> name.startsWith(PREFIX) && name.endsWith("-changelog")).sorted().toList();
            assertTrue(changelogs.size() >= 10, "the processor's and the projections' changelogs: " + changelogs);
            final var configs = admin.describeConfigs(changelogs.stream().map(name -> new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, name)).toList()).all().get(30, TimeUnit.SECONDS);
            configs.forEach((topic, config) -> assertEquals("86400000", config.get("max.compaction.lag.ms").value(),
                    topic.name() + ": the default bound, one day"));
        }
    }

    @Test
    void withoutEncryptionTheErasureReportSaysWhereThePlaintextStaysAndUntilWhen() throws Exception {
        final java.util.Map<String, io.sessionlog.app.erasure.ErasureReport.Finding> byPlace = new java.util.HashMap<>();
        new io.sessionlog.app.erasure.ErasureReport(Map.of("bootstrap.servers", app.bootstrapServers()),
                Map.of("schema.registry.url", app.registryUrl().orElseThrow()), new Topics(PREFIX), PREFIX + "processor",
                PREFIX + "projections", System.out).of(FLUX0).forEach(finding -> byPlace.put(finding.place(), finding));
        final var events = byPlace.get("events");
        assertEquals(io.sessionlog.app.erasure.ErasureReport.Status.READABLE, events.status(), events.toString());
        assertEquals(3, events.records(), "its three events, until retention: the topic is kept forever by default");
        assertNull(events.until());
        final var views = byPlace.get("projections session-views");
        assertTrue(views.status() == io.sessionlog.app.erasure.ErasureReport.Status.GONE || views.until() != null,
                "a compacted changelog's copies leave within the compaction bound: " + views);
        assertEquals(io.sessionlog.app.erasure.ErasureReport.Status.GONE, byPlace.get("keys").status(), "no keys without encryption");
    }

    private static List<String> sessionIds(final JsonNode page) {
        return page.get("data").findValuesAsText("session_id");
    }
}
