package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionlog.app.erasure.ErasureReport;
import io.sessionlog.embedded.EmbeddedKafkaCluster;
import io.sessionlog.privacy.PrivacyConfig;
import io.sessionlog.schemas.Topics;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lifecycle on the compose topology (docker/compose.yml): three brokers, replication 3, {@code min.insync.replicas}
 * 2, six partitions, here with encryption on. Every topic sessionlog and its Kafka Streams apps create is replicated
 * three times whatever the brokers' default (set to 1 here, so that only sessionlog's setting can make it 3); a hard
 * delete destroys the keys and the erasure report finds no readable copy; a rebuild answers as before, the deleted
 * session staying gone.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ThreeBrokersLifecycleIT {

    private static final String PREFIX = "three-brokers.";
    private static final String MASTER = "compose-1:" + Base64.getEncoder()
            .encodeToString("abcdef0123456789abcdef0123456789".getBytes(StandardCharsets.US_ASCII));
    private static final List<String> KEPT = List.of("tb-flux0", "tb-call", "tb-conv");
    private static final String ERASED = "tb-erased";

    private static Path brokerDir;
    private static Path appDir;
    private static EmbeddedKafkaCluster kafka;
    private static Sessionlog app;
    private static Http http;

    @BeforeAll
    static void start() {
        brokerDir = SharedKafkaCluster.newTestDir("three-brokers-kafka");
        kafka = EmbeddedKafkaCluster.builder(brokerDir).nodes(3).brokerConfig("default.replication.factor", "1")
                .build().start(Duration.ofSeconds(90));
        appDir = SharedKafkaCluster.newTestDir("three-brokers-app");
        final Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        settings.put(AppConfig.ROLES, "ingest,processor,projections,registry");
        settings.put("registry.port", "0");
        settings.put(AppConfig.HTTP_PORT, "0");
        settings.put(AppConfig.DATA_DIR, appDir.toString());
        settings.put("topic.prefix", PREFIX);
        settings.put("topic.partitions", "6");
        settings.put("topic.replication.factor", "3");
        settings.put(PrivacyConfig.ENCRYPTION, "true");
        settings.put(PrivacyConfig.MASTER_KEYS, MASTER);
        app = Sessionlog.start(settings);
        http = new Http(app.httpUrl());
        http.awaitGet("/health/ready", a -> a.status() == 200, Duration.ofSeconds(90));
        write();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        SharedKafkaCluster.deleteRecursively(brokerDir);
        SharedKafkaCluster.deleteRecursively(appDir);
    }

    private static void write() {
        for (final String session : List.of("tb-flux0", ERASED)) {
            assertEquals(202, http.post("/v1/sessions", """
                    {"id": "%s", "agent_id": "agent-1", "user_id": "customer-1", "title": "About %s"}""".formatted(session, session)).status());
            for (int i = 0; i < 3; i++) {
                assertEquals(202, http.post("/v1/sessions/" + session + "/events", """
                        {"id": "%s-%d", "correlation_id": "RID(tb-root)::%s%d", "type": "message", "source": "user",
                         "data": {"type": "message", "parts": [{"type": "content", "content": "turn %d"}]},
                         "created_at": "2025-01-29T09:27:4%dZ"}""".formatted(session, i, session, i, i, i)).status());
            }
        }
        assertEquals(202, http.post("/v1/syllable/events", """
                {"session_id": "tb-call", "user_id": "caller-1", "source": "tool-call", "category": "automation",
                 "type": "phone-transfer", "description": "transfer", "timestamp": "2025-03-07T14:02:11.482Z"}""").status());
        assertEquals(200, http.post("/v1/inkeep/events", """
                {"type": "message:sent", "entityType": "conversation", "conversationId": "tb-conv",
                 "properties": {"said": "hello"}}""").status());
        http.awaitGet("/v1/sessions/" + ERASED + "/events", a -> a.status() == 200 && a.body().get("data").size() == 3,
                Duration.ofSeconds(30));
        for (final String session : KEPT) {
            http.awaitGet("/v1/sessions/" + session, a -> a.status() == 200, Duration.ofSeconds(30));
        }
        assertEquals(204, http.delete("/v1/sessions/" + ERASED).status());
        http.awaitGet("/v1/sessions/" + ERASED, a -> a.status() == 404, Duration.ofSeconds(30));
    }

    @Test
    void everyTopicIsReplicatedAsConfiguredWithTheLifecycleSettings() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            final List<String> owned = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(name -> name.startsWith(PREFIX) || name.startsWith("sessionlog-") || name.startsWith("_schemas"))
                    .sorted().toList();
            assertTrue(owned.containsAll(new Topics(PREFIX).all()), owned.toString());
            assertTrue(owned.stream().filter(name -> name.endsWith("-changelog")).count() >= 10, owned.toString());
            assertTrue(owned.contains("sessionlog-projections-read-models"), owned.toString());
            final Map<String, Integer> replication = new TreeMap<>();
            admin.describeTopics(owned).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, description) ->
                    replication.put(name, replicationOf(description)));
            replication.forEach((topic, replicas) -> assertEquals(3, replicas, topic + " is replicated three times: " + replication));

            final var configs = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, new Topics(PREFIX).events()),
                    new ConfigResource(ConfigResource.Type.TOPIC, new Topics(PREFIX).keys()))).all().get(30, TimeUnit.SECONDS);
            configs.forEach((topic, config) -> assertEquals("2", config.get("min.insync.replicas").value(), topic.name()));
            assertEquals("-1", configs.get(new ConfigResource(ConfigResource.Type.TOPIC, new Topics(PREFIX).events()))
                    .get("retention.ms").value(), "the system of record is kept forever");
            assertEquals("86400000", configs.get(new ConfigResource(ConfigResource.Type.TOPIC, new Topics(PREFIX).keys()))
                    .get("max.compaction.lag.ms").value(), "a destroyed key leaves the disks within a day");
        }
    }

    @Test
    void aHardDeleteDestroysTheKeysAndTheReportFindsNoReadableCopy() throws Exception {
        final ErasureReport report = new ErasureReport(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                Map.of("schema.registry.url", app.registryUrl().orElseThrow()), new Topics(PREFIX), "sessionlog-processor",
                "sessionlog-projections", System.out);
        final Map<String, ErasureReport.Finding> byPlace = new HashMap<>();
        report.of(ERASED).forEach(finding -> byPlace.put(finding.place(), finding));
        assertEquals(ErasureReport.Status.DESTROYED, byPlace.get("keys").status(), byPlace.get("keys").toString());
        assertEquals(ErasureReport.Status.UNREADABLE, byPlace.get("events").status(), byPlace.get("events").toString());
        assertTrue(byPlace.values().stream().noneMatch(f -> f.status() == ErasureReport.Status.READABLE), byPlace.toString());
        assertEquals(404, http.get("/v1/sessions/" + ERASED + "/events").status());
    }

    @Test
    void aRebuildAnswersAsBeforeAndTheDeletedSessionStaysGone() {
        final List<String> queries = List.of("/v1/sessions/tb-flux0/events", "/v1/sessions/tb-flux0", "/v1/sessions/tb-call",
                "/v1/sessions/tb-conv", "/v1/sessions?limit=100", "/v1/events?limit=100", "/v1/sessions/" + ERASED);
        final Map<String, Http.Answer> before = new HashMap<>();
        queries.forEach(query -> before.put(query, http.get(query)));
        assertEquals(202, http.post("/v1/projections/rebuild", "").status());
        final JsonNode done = http.awaitGet("/v1/projections/rebuild", a -> a.status() == 200 && !a.body().get("rebuilding").asBoolean(),
                Duration.ofSeconds(120)).body();
        assertTrue(!done.has("error") && done.get("applied").asLong() == done.get("total").asLong(), done.toString());
        http.awaitGet("/health/ready", a -> a.status() == 200, Duration.ofSeconds(60));
        for (final String query : queries) {
            final Http.Answer after = http.get(query);
            assertEquals(before.get(query).status(), after.status(), query);
            assertEquals(before.get(query).body(), after.body(), query + " answers as before the rebuild");
        }
        assertEquals(404, before.get("/v1/sessions/" + ERASED).status());
    }

    private static int replicationOf(final TopicDescription description) {
        return description.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
    }
}
