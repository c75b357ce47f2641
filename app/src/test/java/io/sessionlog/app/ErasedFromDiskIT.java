package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.sessionlog.embedded.EmbeddedKafkaCluster;
import io.sessionlog.schemas.ClusterConfig;
import io.sessionlog.schemas.Topics;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Without encryption, a hard-deleted session's plaintext leaves the disk within the stated bounds: after
 * {@code topic.max.compaction.lag.ms} no segment of any topic (broker's files) and no file of any store (RocksDB) holds
 * it any more, while another session's plaintext stays. The bounds are shortened for the test: the compaction bound to
 * its least (one minute), and the retention of the two delete-policy topics ({@code events}, {@code events.raw}), whose
 * copies only retention removes (docs/lifecycle.md), to the same minute. A broker of its own cleans and deletes files
 * promptly; records are written uncompressed so that the bytes are found where they are.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ErasedFromDiskIT {

    private static final String PREFIX = "erased-disk.";
    private static final Duration BOUND = Duration.ofMinutes(1);
    /**
     * Distinctive bytes that no key, id or header holds, so that every copy found is a copy of content; no four of them
     * in a row occur elsewhere, so that LZ4 (the stores' files are compressed) keeps each first copy in a block literal.
     */
    private static final String SECRET = "Qv7kWz9RxT2mLpGc";
    private static final String KEPT_SECRET = "Jm4pXy8NbV3sHdEw";
    private static final List<String> ERASED = List.of("disk-flux0", "disk-call", "disk-conv");

    private static Path brokerDir;
    private static Path appDir;
    private static EmbeddedKafkaCluster kafka;
    private static Sessionlog app;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        brokerDir = SharedKafkaCluster.newTestDir("erased-disk-kafka");
        kafka = EmbeddedKafkaCluster.builder(brokerDir)
                .brokerConfig("log.cleaner.backoff.ms", "500")
                .brokerConfig("log.segment.delete.delay.ms", "500")
                .brokerConfig("log.retention.check.interval.ms", "1000")
                .build().start(Duration.ofSeconds(60));
        appDir = SharedKafkaCluster.newTestDir("erased-disk-app");
        startApp();
        shortenRetentionOfTheDeletePolicyTopics();
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

    @Test
    void afterTheBoundsNoSegmentAndNoStoreFileHoldsTheDeletedSessionsPlaintext() {
        writeSessions();
        // A store writes its files when its memtable fills or the store closes: a restart puts both sessions on disk.
        restartApp();
        assertFalse(filesHolding(appDir, SECRET).isEmpty(), "the store files hold the plaintext before the delete");
        assertFalse(filesHolding(brokerDir, SECRET).isEmpty(), "so do the topics' segments");
        for (final String session : ERASED) {
            assertEquals(204, http.delete("/v1/sessions/" + session).status());
        }
        for (final String session : ERASED) {
            http.awaitGet("/v1/sessions/" + session, a -> a.status() == 404, Duration.ofSeconds(30));
        }

        // A segment rolls, and its entries become cleanable, at the first write after the bound: keep writing.
        final int[] round = {0};
        Awaitility.await("no segment holds the deleted sessions' plaintext").atMost(BOUND.plusSeconds(90))
                .pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                    writeKeptSession("after-" + round[0]++);
                    assertEquals(List.of(), filesHolding(brokerDir, SECRET), "segments still holding the plaintext");
                });
        assertFalse(filesHolding(brokerDir, KEPT_SECRET).isEmpty(), "the session that was not deleted stays in the compacted topics");

        // The deletes reach the store files at their next flush; files older than the bound are compacted from then on.
        restartApp();
        Awaitility.await("no store file holds the deleted sessions' plaintext").atMost(BOUND)
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertEquals(List.of(), filesHolding(appDir, SECRET), "store files still holding the plaintext"));
        assertFalse(filesHolding(appDir, KEPT_SECRET).isEmpty(), "the session that was not deleted stays in the stores' files");
        assertEquals(200, http.get("/v1/sessions/disk-kept").status());
    }

    private static void startApp() {
        final Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        settings.put(AppConfig.ROLES, "ingest,processor,projections,registry");
        settings.put("registry.port", "0");
        settings.put(AppConfig.HTTP_PORT, "0");
        settings.put(AppConfig.DATA_DIR, appDir.toString());
        settings.put("topic.prefix", PREFIX);
        settings.put("topic.partitions", "1");
        settings.put("kafka.compression.type", "none");
        settings.put(ClusterConfig.TOPIC_MAX_COMPACTION_LAG_MS, String.valueOf(BOUND.toMillis()));
        settings.put(ClusterConfig.TOPIC_EVENTS_RETENTION_MS, String.valueOf(BOUND.toMillis()));
        app = Sessionlog.start(settings);
        http = new Http(app.httpUrl());
        http.awaitGet("/health/ready", a -> a.status() == 200, Duration.ofSeconds(60));
    }

    private static void restartApp() {
        app.close();
        startApp();
    }

    private static void writeSessions() {
        assertEquals(202, http.post("/v1/sessions", """
                {"id": "disk-flux0", "agent_id": "agent-1", "user_id": "customer-1", "title": "Title %s"}""".formatted(SECRET)).status());
        assertEquals(202, http.post("/v1/sessions/disk-flux0/events", """
                {"id": "e1", "correlation_id": "RID(disk)::a", "type": "message", "source": "user",
                 "data": {"type": "message", "parts": [{"type": "content", "content": "my card is %s"}]},
                 "metadata": {"note": "%s"}, "created_at": "2025-01-29T09:27:41Z"}""".formatted(SECRET, SECRET)).status());
        assertEquals(202, http.post("/v1/syllable/events", """
                {"session_id": "disk-call", "user_id": "caller-9", "source": "tool-call", "category": "automation",
                 "type": "phone-transfer", "description": "caller said %s", "timestamp": "2025-03-07T14:02:11.482Z"}"""
                .formatted(SECRET)).status());
        assertEquals(200, http.post("/v1/inkeep/events", """
                {"type": "message:sent", "entityType": "conversation", "conversationId": "disk-conv",
                 "properties": {"said": "%s"}}""".formatted(SECRET)).status());
        assertEquals(202, http.post("/v1/sessions", """
                {"id": "disk-kept", "agent_id": "agent-1", "user_id": "customer-2", "title": "Title %s"}""".formatted(KEPT_SECRET)).status());
        writeKeptSession("first");
        for (final String session : ERASED) {
            http.awaitGet("/v1/sessions/" + session, a -> a.status() == 200, Duration.ofSeconds(30));
        }
        http.awaitGet("/v1/sessions/disk-kept/events", a -> a.status() == 200 && a.body().get("data").size() == 1,
                Duration.ofSeconds(30));
    }

    /** An event of the kept session: it writes to the topics and stores that hold content, so their segments roll. */
    private static void writeKeptSession(final String id) {
        assertEquals(202, http.post("/v1/sessions/disk-kept/events", """
                {"id": "%s", "correlation_id": "RID(kept)::%s", "type": "message", "source": "user",
                 "data": {"type": "message", "parts": [{"type": "content", "content": "kept %s"}]},
                 "created_at": "2025-01-29T09:27:41Z"}""".formatted(id, id, KEPT_SECRET)).status());
    }

    /**
     * Only retention removes what events and events.raw hold. events.raw's retention has a floor of an hour in
     * configuration (its records wait there for the processor), so the test sets it on the topic; segments roll at half
     * the bound so that a segment's records expire together soon after the bound.
     */
    private static void shortenRetentionOfTheDeletePolicyTopics() throws Exception {
        final String raw = new Topics(PREFIX).raw();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            final Map<ConfigResource, java.util.Collection<AlterConfigOp>> changes = new HashMap<>();
            for (final String topic : List.of(raw, new Topics(PREFIX).events())) {
                changes.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
                        new AlterConfigOp(new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(BOUND.toMillis())), AlterConfigOp.OpType.SET),
                        new AlterConfigOp(new ConfigEntry(TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(BOUND.toMillis() / 2)), AlterConfigOp.OpType.SET)));
            }
            admin.incrementalAlterConfigs(changes).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Every regular file under {@code root} whose bytes hold {@code text}; files deleted meanwhile are skipped. */
    private static List<Path> filesHolding(final Path root, final String text) {
        final List<Path> holding = new ArrayList<>();
        for (final Path file : regularFiles(root)) {
            try {
                if (new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text)) {
                    holding.add(file);
                }
            } catch (NoSuchFileException gone) {
                // compacted or deleted since the walk listed it
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return holding;
    }

    /** The files under {@code root}, walked again when a folder vanishes under the walk (a store or segment being replaced). */
    private static List<Path> regularFiles(final Path root) {
        while (true) {
            try (Stream<Path> files = Files.walk(root)) {
                return files.filter(Files::isRegularFile).toList();
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof NoSuchFileException)) {
                    throw e;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
