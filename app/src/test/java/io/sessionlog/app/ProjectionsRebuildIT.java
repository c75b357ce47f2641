package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A rebuild of the read models from the topics, while the processor keeps stamping: every projection store, its
 * changelog and the group are dropped, the stores are filled again from {@code events} and {@code sessions}, and every
 * query answers as before: soft-deleted events stay deleted, a hard-deleted session stays gone. Queries answer 503
 * while it runs.
 */
@ExtendWith(SharedKafkaCluster.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ProjectionsRebuildIT {

    private static final String PREFIX = "rebuild-" + System.nanoTime() + ".";
    private static final List<String> QUERIES = List.of(
            "/v1/sessions/rb-flux0?include=stats",
            "/v1/sessions/rb-flux0/events?include_deleted=true",
            "/v1/sessions/rb-flux0/events",
            "/v1/sessions/rb-call/events",
            "/v1/sessions/rb-conv/events",
            "/v1/sessions?limit=100",
            "/v1/sessions?limit=100&sort=id",
            "/v1/sessions/rb-erased",
            "/v1/events?include_deleted=true&limit=100",
            "/v1/correlations/RID%28rb-root%29?root=true&include_deleted=true",
            "/v1/syllable/events?limit=100",
            "/v1/stats?interval=day&by=origin&from=2025-01-01T00:00:00Z&to=2025-04-01T00:00:00Z");

    private static Sessionlog app;
    private static Http http;

    @BeforeAll
    static void write() {
        app = TestApps.start(PREFIX, Map.of());
        http = new Http(app.httpUrl());
        for (final String session : List.of("rb-flux0", "rb-erased")) {
            for (int i = 0; i < 4; i++) {
                assertEquals(202, http.post("/v1/sessions/" + session + "/events", """
                        {"id": "%s-%d", "correlation_id": "RID(rb-root)::%d", "type": "message", "source": "user",
                         "data": {"type": "message", "parts": [{"type": "content", "content": "turn %d"}]},
                         "created_at": "2025-01-29T09:27:4%dZ"}""".formatted(session, i, i, i, i)).status());
            }
        }
        assertEquals(202, http.post("/v1/syllable/events", """
                {"session_id": "rb-call", "user_id": "caller-1", "source": "tool-call", "category": "automation",
                 "type": "phone-transfer", "timestamp": "2025-03-07T14:02:11.482Z"}""").status());
        assertEquals(200, http.post("/v1/inkeep/events", """
                {"type": "message:sent", "entityType": "conversation", "conversationId": "rb-conv"}""").status());
        http.awaitGet("/v1/sessions/rb-flux0/events", a -> a.status() == 200 && a.body().get("data").size() == 4, Duration.ofSeconds(30));
        assertEquals(202, http.delete("/v1/sessions/rb-flux0/events/rb-flux0-2").status(), "a soft delete");
        assertEquals(204, http.delete("/v1/sessions/rb-erased").status(), "a hard delete");
        http.awaitGet("/v1/sessions/rb-flux0/events", a -> a.status() == 200 && a.body().get("data").size() == 3, Duration.ofSeconds(30));
        http.awaitGet("/v1/sessions/rb-erased", a -> a.status() == 404, Duration.ofSeconds(30));
        http.awaitGet("/v1/sessions/rb-call", a -> a.status() == 200, Duration.ofSeconds(30));
        http.awaitGet("/v1/sessions/rb-conv", a -> a.status() == 200, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void everyQueryAnswersAsBeforeAfterTheReadModelsAreRebuiltFromTheTopics() {
        final Map<String, Http.Answer> before = answers();
        before.forEach((query, answer) -> assertTrue(answer.status() == 200 || answer.status() == 404, query + ": " + answer.status()));
        assertEquals(404, before.get("/v1/sessions/rb-erased").status());

        final Http.Answer started = http.post("/v1/projections/rebuild", "");
        assertEquals(202, started.status(), started.body().toString());
        assertEquals(409, http.post("/v1/projections/rebuild", "").status(), "one rebuild at a time");
        final Http.Answer during = http.get("/v1/sessions/rb-flux0");
        assertEquals(503, during.status(), "no partial answer while the read models fill again");
        assertTrue(!during.retryAfter().isEmpty(), "503 says when to come back");
        assertEquals("REBUILDING", http.get("/health/ready").body().get("roles").get("projections").asText(), "/health shows it");
        final JsonNode done = http.awaitGet("/v1/projections/rebuild", a -> a.status() == 200 && !a.body().get("rebuilding").asBoolean(),
                Duration.ofSeconds(120)).body();
        assertTrue(!done.has("error"), done.toString());
        assertTrue(done.get("total").asLong() > 0 && done.get("applied").asLong() == done.get("total").asLong(), done.toString());
        http.awaitGet("/health/ready", a -> a.status() == 200, Duration.ofSeconds(60));

        final Map<String, Http.Answer> after = answers();
        for (final String query : QUERIES) {
            assertEquals(before.get(query).status(), after.get(query).status(), query);
            assertEquals(before.get(query).body(), after.get(query).body(), query + " answers as before the rebuild");
        }
        assertEquals(202, http.post("/v1/sessions/rb-flux0/events", """
                {"id": "rb-flux0-9", "correlation_id": "RID(rb-root)::9", "type": "message", "source": "user",
                 "data": {"type": "message", "parts": []}, "created_at": "2025-01-29T09:28:00Z"}""").status());
        http.awaitGet("/v1/sessions/rb-flux0/events", a -> a.status() == 200 && a.body().get("data").size() == 4, Duration.ofSeconds(30));
    }

    private static Map<String, Http.Answer> answers() {
        final Map<String, Http.Answer> answers = new LinkedHashMap<>();
        for (final String query : QUERIES) {
            answers.put(query, http.get(query));
        }
        return answers;
    }
}
