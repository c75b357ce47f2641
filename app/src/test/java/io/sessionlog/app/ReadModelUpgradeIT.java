package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A cluster whose read models were written by a version before this one's (no read-model version on record, state in
 * the projections' group) is filled again from the topics by the first start of this version, by itself, and then
 * answers every query as before; a fresh cluster is not rebuilt.
 */
@ExtendWith(SharedKafkaCluster.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ReadModelUpgradeIT {

    private static final String PREFIX = "readmodels-" + System.nanoTime() + ".";

    @Test
    void readModelsOfAnEarlierVersionAreRebuiltFromTheTopicsAtStart() throws Exception {
        final List<String> queries = List.of("/v1/sessions?limit=100", "/v1/events?limit=100", "/v1/sessions/up-1/events");
        final Map<String, JsonNode> before = new java.util.HashMap<>();
        try (Sessionlog app = TestApps.start(PREFIX, Map.of())) {
            final Http http = new Http(app.httpUrl());
            assertEquals(200, http.get("/v1/projections/rebuild").status());
            assertTrue(http.get("/v1/projections/rebuild").body().path("started_at").isMissingNode(), "a fresh cluster is not rebuilt");
            for (int i = 0; i < 5; i++) {
                assertEquals(202, http.post("/v1/sessions/up-" + (i % 2) + "/events", """
                        {"id": "e%d", "correlation_id": "RID(up)::%d", "type": "message", "source": "user",
                         "data": {"type": "message", "parts": []}, "created_at": "2025-01-29T09:27:4%dZ"}""".formatted(i, i, i)).status());
            }
            http.awaitGet("/v1/events?limit=100", a -> a.status() == 200 && a.body().get("data").size() == 5, Duration.ofSeconds(30));
            queries.forEach(query -> before.put(query, http.get(query).body()));
            // What a version without a read-model version leaves: state in the group, and no record of its version.
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", app.bootstrapServers()))) {
                admin.deleteTopics(List.of(PREFIX + "projections-read-models")).all().get(30, TimeUnit.SECONDS);
            }
        }
        try (Sessionlog app = TestApps.start(PREFIX, Map.of())) {
            final Http http = new Http(app.httpUrl());
            final JsonNode progress = http.get("/v1/projections/rebuild").body();
            assertTrue(progress.has("started_at"), "the start rebuilt the read models by itself: " + progress);
            assertEquals(progress.get("total").asLong(), progress.get("applied").asLong(), progress.toString());
            for (final String query : queries) {
                assertEquals(before.get(query), http.get(query).body(), query + " answers as before");
            }
        }
    }
}
