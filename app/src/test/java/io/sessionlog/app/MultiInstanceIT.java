package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two projection instances of one application: keys spread over both, every key answered correctly from either;
 * with a standby copy of every store on the other instance, {@code allow_stale=true} is answered from it; then one
 * stops, and the other keeps answering after the rebalance, with 503 meanwhile and never a wrong answer.
 */
@ExtendWith(SharedKafkaCluster.class)
class MultiInstanceIT {

    private static final String PREFIX = "multi-" + System.nanoTime() + ".";
    private static final int SESSIONS = 24;
    private static final int EVENTS_PER_SESSION = 3;
    private static final String STANDBYS = "projections.standby.replicas";

    @Test
    void anyInstanceAnswersAnyKeyAndAnswersContinueWhenOneStops() throws Exception {
        try (Sessionlog first = TestApps.start(PREFIX, Map.of(STANDBYS, "1"))) {
            final Sessionlog second = Sessionlog.start(projectionsOnly(first));
            final String midWalk;
            try {
                final Http a = new Http(first.httpUrl());
                final Http b = new Http(second.httpUrl());
                b.awaitGet("/health/ready", r -> r.status() == 200, Duration.ofSeconds(60));
                final Http.Answer instances = a.awaitGet("/v1/instances", r -> r.status() == 200
                        && r.body().get("data").size() == 2 && everyInstanceHoldsSomething(r.body()), Duration.ofSeconds(60));
                assertEquals(2, instances.body().get("data").size());

                for (int s = 0; s < SESSIONS; s++) {
                    for (int e = 0; e < EVENTS_PER_SESSION; e++) {
                        assertEquals(202, a.post("/v1/sessions/multi-" + s + "/events",
                                QueryIT.event("m" + s + "-" + e, "message", "user", "c")).status());
                    }
                }
                final List<Long> expected = LongStream.range(0, EVENTS_PER_SESSION).boxed().toList();
                for (int s = 0; s < SESSIONS; s++) {
                    final String path = "/v1/sessions/multi-" + s + "/events";
                    assertEquals(expected, Http.offsets(a.awaitGet(path, r -> r.status() == 200
                            && r.body().get("data").size() == EVENTS_PER_SESSION, Duration.ofSeconds(20))), "via the first, " + path);
                    assertEquals(expected, Http.offsets(b.awaitGet(path, r -> r.status() == 200
                            && r.body().get("data").size() == EVENTS_PER_SESSION, Duration.ofSeconds(20))), "via the second, " + path);
                    // One event as its Kafka record: the instance not owning the partition forwards the shape too.
                    final String record = path + "/m" + s + "-0?shape=record";
                    final JsonNode viaA = a.awaitGet(record, r -> r.status() == 200
                            && !r.body().get("offset").isNull(), Duration.ofSeconds(20)).body();
                    assertEquals(viaA, b.get(record).body(), "the same record via either instance, " + record);
                    assertEquals("multi-" + s, viaA.get("key").asText());
                    assertEquals("m" + s + "-0", viaA.get("value").get("event").get("event_id").asText());
                    // The view comes from the sessions topic, projected apart from the events: wait for it too.
                    assertEquals("multi-" + s, b.awaitGet("/v1/sessions/multi-" + s, r -> r.status() == 200,
                            Duration.ofSeconds(20)).body().get("id").asText());
                }
                assertStandbyCopiesAnswerWhenStalenessIsAllowed(a, b);
                assertSessionListingsGatherEveryInstance(a, b);
                assertACorrelationRootIsGatheredFromEveryInstance(a, b);
                midWalk = assertWalksAnswerTheSameFromEitherInstance(a, b);
                assertCountsAddUpAcrossInstances(a, b);
            } finally {
                second.close();
            }
            assertAWalkGoesOnRightOr503WhileAnInstanceStops(new Http(first.httpUrl()), midWalk);
            assertAnswersStayRightUntilAllAreBack(new Http(first.httpUrl()));
        }
    }

    /**
     * Each partition is active on one instance and standby on the other: with allow_stale=true the instance holding
     * the standby answers from it (marked stale, once caught up the same events), the active one as usual.
     */
    private static void assertStandbyCopiesAnswerWhenStalenessIsAllowed(final Http a, final Http b) {
        final List<Long> expected = LongStream.range(0, EVENTS_PER_SESSION).boxed().toList();
        for (int s = 0; s < SESSIONS; s++) {
            final String path = "/v1/sessions/multi-" + s + "/events?allow_stale=true";
            final Http.Answer[] answers = new Http.Answer[2];
            // Standby tasks are placed (and catch up) after the first rebalance: wait for the pair to settle.
            Awaitility.await("standby answer for " + path).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        answers[0] = a.get(path);
                        answers[1] = b.get(path);
                        return complete(answers[0]) && complete(answers[1]) && answers[0].stale() != answers[1].stale();
                    });
            assertEquals(expected, Http.offsets(answers[0]));
            assertEquals(expected, Http.offsets(answers[1]));
        }
        assertFalse(a.get("/v1/sessions/multi-0/events").stale() || b.get("/v1/sessions/multi-0/events").stale(),
                "without allow_stale the active copy answers");
    }

    private static boolean complete(final Http.Answer answer) {
        return answer.status() == 200 && answer.body().get("data").size() == EVENTS_PER_SESSION;
    }

    private static void assertSessionListingsGatherEveryInstance(final Http a, final Http b) {
        final List<String> agentX = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            final String id = "owned-x-" + i;
            agentX.add(id);
            assertEquals(202, a.post("/v1/sessions", "{\"id\":\"" + id + "\",\"agent_id\":\"agent-x\",\"user_id\":\""
                    + (i % 2 == 0 ? "user-even" : "user-odd") + "\"}").status());
        }
        assertEquals(202, a.post("/v1/sessions", "{\"id\":\"owned-y-0\",\"agent_id\":\"agent-y\"}").status());
        b.awaitGet("/v1/sessions?agent_id=agent-x&limit=100", r -> r.status() == 200 && r.body().get("data").size() == 10,
                Duration.ofSeconds(20));
        final List<String> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            final Http.Answer page = b.get("/v1/sessions?sort=id&order=asc&agent_id=agent-x&limit=4" + (cursor == null ? "" : "&cursor=" + cursor));
            assertEquals(200, page.status());
            page.body().get("data").forEach(session -> paged.add(session.get("id").asText()));
            cursor = page.body().get("next_cursor").isNull() ? null : page.body().get("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(agentX.stream().sorted().toList(), paged, "every session of the agent, once, in id order, across pages");
        final List<String> evenUsers = new ArrayList<>();
        a.get("/v1/sessions?sort=id&order=asc&agent_id=agent-x&user_id=user-even").body().get("data").forEach(x -> evenUsers.add(x.get("id").asText()));
        assertEquals(List.of("owned-x-0", "owned-x-2", "owned-x-4", "owned-x-6", "owned-x-8"), evenUsers);
        assertEquals(1, a.awaitGet("/v1/sessions?agent_id=agent-y", r -> r.status() == 200 && r.body().get("data").size() >= 1,
                Duration.ofSeconds(20)).body().get("data").size(), "agent-y's one session, and no other's");
    }

    /**
     * A root's events are indexed beside their sessions, in both instances' partitions: a walk of the root by cursor
     * from either instance gives every event once, ordered by session then offset, the same from both.
     */
    private static void assertACorrelationRootIsGatheredFromEveryInstance(final Http a, final Http b) {
        final List<String> viaA = correlationWalk(a);
        assertEquals(SESSIONS * EVENTS_PER_SESSION, viaA.size(), "every event of root c, once: " + viaA);
        assertEquals(SESSIONS * EVENTS_PER_SESSION, new java.util.HashSet<>(viaA).size());
        assertEquals(viaA, correlationWalk(b), "the same walk via the second");
    }

    private static List<String> correlationWalk(final Http http) {
        final List<String> found = new ArrayList<>();
        String cursor = null;
        do {
            final JsonNode page = http.get("/v1/correlations/c?root=true&limit=10" + (cursor == null ? "" : "&cursor=" + cursor)).body();
            page.get("data").forEach(item -> found.add(item.get("session_id").asText() + "@" + item.get("event").get("offset").asLong()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        return found;
    }

    private static final int WALKED = 12;

    /**
     * Sessions most recently active first, paged across both instances' partitions: the same walk from either
     * instance, every session once in time order, and the same exact count. Returns the cursor after the first page.
     */
    private static String assertWalksAnswerTheSameFromEitherInstance(final Http a, final Http b) {
        for (int s = 0; s < WALKED; s++) {
            // Event times out of session order, so that the walk's order is the activity's, not the ids'.
            final int minute = (s * 7) % WALKED;
            assertEquals(202, a.post("/v1/sessions/walk-" + s + "/events", "{\"id\":\"w" + s + "\",\"correlation_id\":\"c\","
                    + "\"type\":\"custom\",\"source\":\"user\",\"data\":{},\"created_at\":\"2025-02-01T10:" + String.format("%02d", minute)
                    + ":00Z\",\"metadata\":{\"agent_id\":\"walker\"}}").status());
        }
        final List<String> expected = java.util.stream.IntStream.range(0, WALKED).boxed()
                .sorted(java.util.Comparator.comparing((Integer s) -> (s * 7) % WALKED).reversed())
                .map(s -> "walk-" + s).toList();
        a.awaitGet("/v1/sessions?agent_id=walker&limit=100", r -> r.status() == 200 && r.body().get("data").size() == WALKED,
                Duration.ofSeconds(20));
        assertEquals(expected, walk(a, "agent_id=walker&limit=5"), "most recently active first, via the first");
        assertEquals(expected, walk(b, "agent_id=walker&limit=5"), "the same walk via the second");
        assertEquals(WALKED, a.get("/v1/sessions?agent_id=walker&limit=1&total_count=true").body().get("total_count").asInt());
        assertEquals(WALKED, b.get("/v1/sessions?agent_id=walker&limit=1&total_count=true").body().get("total_count").asInt());
        final List<String> oldestFirst = new ArrayList<>(expected);
        java.util.Collections.reverse(oldestFirst);
        assertEquals(oldestFirst, walk(b, "agent_id=walker&limit=5&order=asc"));
        // Events across sessions: the same walk from either instance, newest first.
        final List<String> events = eventWalk(a, "agent_id=walker&limit=5");
        assertEquals(expected.stream().map(session -> "w" + session.substring("walk-".length())).toList(), events);
        assertEquals(events, eventWalk(b, "agent_id=walker&limit=5"));
        return a.get("/v1/sessions?agent_id=walker&limit=5").body().get("next_cursor").asText();
    }

    /**
     * Counters and Inkeep's aggregates live in every partition: either instance sums both instances' parts, and the
     * sum is what was written (recent events, within the counters' retention, spread over every partition).
     */
    private static void assertCountsAddUpAcrossInstances(final Http a, final Http b) throws Exception {
        final java.time.Instant day = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS).minus(Duration.ofDays(2));
        for (int s = 0; s < 12; s++) {
            assertEquals(200, a.post("/v1/inkeep/events", "{\"type\":\"" + (s % 3 == 0 ? "conversation_shared" : "conversation_thumbs_up")
                    + "\",\"conversationId\":\"count-" + s + "\",\"createdAt\":\"" + day.plus(Duration.ofHours(s)) + "\","
                    + "\"entityType\":\"conversation\"}").status());
        }
        final String stats = "/v1/stats?interval=day&by=origin&from=" + day + "&to=" + day.plus(Duration.ofDays(1));
        // Events are counted from `events`, new sessions from `sessions`: the projections apply the two topics apart,
        // and the views of a commit follow its events, so wait until both counters hold everything before comparing.
        final JsonNode viaA = a.awaitGet(stats, r -> r.status() == 200 && r.body().get("buckets").get(0).get("events").asInt() == 12
                && r.body().get("buckets").get(0).get("new_sessions").asInt() == 12, Duration.ofSeconds(20)).body();
        assertEquals(viaA, b.get(stats).body(), "the same sums from either instance");
        assertEquals(12, viaA.get("buckets").get(0).get("groups").get("inkeep").get("events").asInt());
        final String query = "{\"select\":[{\"type\":\"aggregation\",\"aggregation\":\"count\"},{\"type\":\"aggregation\","
                + "\"aggregation\":\"countDistinct\",\"field\":\"conversationId\"}],\"groupBy\":[{\"field\":\"type\"}],"
                + "\"where\":{\"and\":[{\"condition\":{\"field\":\"createdAt\",\"operator\":\"gte\",\"value\":\"" + day + "\"}},"
                + "{\"condition\":{\"field\":\"eventType\",\"operator\":\"eq\",\"value\":\"conversation\"}}]}}";
        final JsonNode inkeepA = a.post("/v1/inkeep/query/events", query).body();
        assertEquals(inkeepA, b.post("/v1/inkeep/query/events", query).body(), "Inkeep's aggregates, merged alike on either instance");
        assertEquals(new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                [{"type": "conversation_thumbs_up", "count": 8, "countDistinct_conversationId": 8},
                 {"type": "conversation_shared", "count": 4, "countDistinct_conversationId": 4}]"""), inkeepA.get("data").get("result"));
    }

    /** The rest of a walk begun before an instance stopped: each answer is the right page or 503, until it is right. */
    private static void assertAWalkGoesOnRightOr503WhileAnInstanceStops(final Http survivor, final String cursor) {
        final List<String> wrong = new ArrayList<>();
        final int[] unavailable = {0};
        Awaitility.await("the walk answered again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            final Http.Answer page = survivor.get("/v1/sessions?agent_id=walker&limit=5&cursor=" + cursor);
            if (page.status() == 503) {
                unavailable[0]++;
                return false;
            }
            final List<String> ids = new ArrayList<>();
            page.body().get("data").forEach(x -> ids.add(x.get("id").asText()));
            if (page.status() != 200 || !ids.equals(expectedSecondPage())) {
                wrong.add(page.status() + " " + ids);
            }
            return true;
        });
        assertEquals(List.of(), wrong, "never a partial or wrong page while partitions moved");
        System.out.println("walk pages answered 503 while partitions moved: " + unavailable[0]);
    }

    private static List<String> expectedSecondPage() {
        return java.util.stream.IntStream.range(0, WALKED).boxed()
                .sorted(java.util.Comparator.comparing((Integer s) -> (s * 7) % WALKED).reversed())
                .map(s -> "walk-" + s).toList().subList(5, 10);
    }

    private static List<String> eventWalk(final Http http, final String query) {
        final List<String> ids = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            final Http.Answer page = http.get("/v1/events?" + query + (cursor == null ? "" : "&cursor=" + cursor));
            assertEquals(200, page.status(), page.body().toString());
            page.body().get("data").forEach(x -> ids.add(x.get("event").get("id").asText()));
            cursor = page.body().get("next_cursor").isNull() ? null : page.body().get("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 20);
        return ids;
    }

    private static List<String> walk(final Http http, final String query) {
        final List<String> ids = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            final Http.Answer page = http.get("/v1/sessions?" + query + (cursor == null ? "" : "&cursor=" + cursor));
            assertEquals(200, page.status(), page.body().toString());
            page.body().get("data").forEach(x -> ids.add(x.get("id").asText()));
            cursor = page.body().get("next_cursor").isNull() ? null : page.body().get("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 20);
        return ids;
    }

    /** Polls every session on the surviving instance: each answer is right or 503, until all are right. */
    private static void assertAnswersStayRightUntilAllAreBack(final Http survivor) {
        final Map<Integer, Integer> unavailable = new HashMap<>();
        final List<String> wrong = new ArrayList<>();
        Awaitility.await("every session answered again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    int right = 0;
                    for (int s = 0; s < SESSIONS; s++) {
                        final Http.Answer answer = survivor.get("/v1/sessions/multi-" + s + "/events");
                        if (answer.status() == 503) {
                            assertTrue(answer.retryAfter().length() > 0, "503 comes with Retry-After");
                            unavailable.merge(s, 1, Integer::sum);
                        } else if (answer.status() == 200 && answer.body().get("data").size() == EVENTS_PER_SESSION) {
                            right++;
                        } else {
                            wrong.add("multi-" + s + ": " + answer.status() + " " + answer.body());
                        }
                    }
                    return right == SESSIONS;
                });
        assertEquals(List.of(), wrong, "never a wrong answer while the partitions moved");
        System.out.println("sessions answered 503 while partitions moved: " + unavailable.size());
    }

    private static boolean everyInstanceHoldsSomething(final JsonNode instances) {
        for (final JsonNode instance : instances.get("data")) {
            if (!instance.has("active") || instance.get("active").isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> projectionsOnly(final Sessionlog first) {
        final Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", first.bootstrapServers());
        settings.put("schema.registry.url", first.registryUrl().orElseThrow());
        settings.put(AppConfig.ROLES, "projections");
        settings.put(AppConfig.HTTP_PORT, "0");
        settings.put(AppConfig.DATA_DIR, SharedKafkaCluster.newTestDir("multi-second").toString());
        settings.put("topic.prefix", PREFIX);
        settings.put("projections.application.id", PREFIX + "projections");
        settings.put(STANDBYS, "1");
        return settings;
    }
}
