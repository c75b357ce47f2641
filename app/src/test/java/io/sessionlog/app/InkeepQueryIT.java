package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionlog.ingest.Fixtures;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Inkeep's {@code POST /query/events} at {@code /v1/inkeep/query/events}, over every origin's events, answering the
 * request body Inkeep's official SDK sent (recorded in testdata/inkeep) in the shape its SDK parses.
 */
@ExtendWith(SharedKafkaCluster.class)
class InkeepQueryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "inkeep-query-" + System.nanoTime() + ".";
    private static Sessionlog app;
    private static Http http;

    @BeforeAll
    static void start() {
        app = TestApps.start(PREFIX, Map.of());
        http = new Http(app.httpUrl());
        inkeep("{\"type\":\"conversation_shared\",\"conversationId\":\"iq-1\",\"createdAt\":\"2026-11-10T09:00:00Z\",\"entityType\":\"conversation\"}");
        inkeep("{\"type\":\"conversation_shared\",\"conversationId\":\"iq-2\",\"createdAt\":\"2026-11-10T17:00:00Z\",\"entityType\":\"conversation\"}");
        inkeep("{\"type\":\"message_copied\",\"messageId\":\"m-1\",\"createdAt\":\"2026-11-11T08:00:00Z\",\"entityType\":\"message\"}");
        inkeep("{\"type\":\"search_performed\",\"searchQuery\":\"acls\",\"createdAt\":\"2026-11-11T08:30:00Z\",\"entityType\":\"search\"}");
        inkeep("{\"type\":\"conversation_shared\",\"conversationId\":\"iq-old\",\"createdAt\":\"2026-10-01T00:00:00Z\",\"entityType\":\"conversation\"}");
        assertEquals(202, http.post("/v1/sessions/iq-flux0/events", QueryIT.event("f1", "message", "user", "c")
                .replace("2025-01-29T09:27:41Z", "2026-11-11T10:00:00Z")).status());
        assertEquals(202, http.post("/v1/syllable/events", "{\"timestamp\":\"2026-11-12T10:00:00Z\",\"session_id\":\"iq-y\","
                + "\"type\":\"phone-transfer\"}").status());
        http.awaitGet("/v1/events?limit=100", a -> a.status() == 200 && a.body().get("data").size() == 7, Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void theRecordedSdkRequestIsAnsweredInInkeepsShapeOverEveryOrigin() throws Exception {
        final Http.Answer answer = http.post("/v1/inkeep/query/events", Fixtures.bytes("inkeep/query-events.json"));
        assertEquals(200, answer.status(), answer.body().toString());
        assertEquals(JSON.readTree("""
                {"status": "ok", "data": {"result": [
                  {"createdAt_day": "2026-11-10", "type": "conversation_shared", "count": 2},
                  {"createdAt_day": "2026-11-11", "type": "message", "count": 1},
                  {"createdAt_day": "2026-11-11", "type": "message_copied", "count": 1},
                  {"createdAt_day": "2026-11-11", "type": "search_performed", "count": 1},
                  {"createdAt_day": "2026-11-12", "type": "phone-transfer", "count": 1}],
                 "total": 5, "pageSize": 1000, "count": 5}}"""), sorted(answer.body()),
                "the old event is outside the range; flux0 and Syllable events are conversation events of their own type");
    }

    @Test
    void aQueryThatCannotBeAnsweredExactlyIsRefusedNamingThePart() {
        final Http.Answer refused = http.post("/v1/inkeep/query/events",
                "{\"select\": [{\"type\": \"aggregation\", \"aggregation\": \"avg\", \"field\": \"properties\"}]}");
        assertEquals(400, refused.status());
        assertEquals("application/problem+json", refused.contentType());
        assertEquals("select[0].field", refused.body().get("errors").get(0).get("field").asText());
    }

    /** Within a day the order of types is by the query's orderBy only (createdAt_day): compare them sorted. */
    private static JsonNode sorted(final JsonNode body) throws Exception {
        final var result = new java.util.ArrayList<JsonNode>();
        body.get("data").get("result").forEach(result::add);
        result.sort(java.util.Comparator.comparing((JsonNode r) -> r.get("createdAt_day").asText()).thenComparing(r -> r.get("type").asText()));
        final var copy = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(body.toString());
        final var array = ((com.fasterxml.jackson.databind.node.ObjectNode) copy.get("data")).putArray("result");
        result.forEach(array::add);
        return copy;
    }

    private static void inkeep(final String body) {
        assertEquals(200, http.post("/v1/inkeep/events", body).status());
    }
}
