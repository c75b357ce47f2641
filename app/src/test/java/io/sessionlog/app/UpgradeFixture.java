package io.sessionlog.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionlog.ingest.Fixtures;
import org.awaitility.Awaitility;

/**
 * A data dir written by one version of sessionlog, kept so that the next versions prove they start on it and answer
 * the same ({@link UpgradeIT}). Each fixture is a folder under {@code src/test/resources/upgrade/}: {@code data.zip}
 * (the embedded default's data dir after a clean close: the broker's logs and every app's local state) and
 * {@code expected.json} (what each read route answered before the close).
 * <p>
 * Written by the version it is named after, before a change of layout lands, and never edited:
 * <pre>
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl app dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/cp.txt
 * cd app &amp;&amp; java -cp target/test-classes:target/classes:$(cat target/cp.txt) io.sessionlog.app.UpgradeFixture NAME
 * </pre>
 */
public final class UpgradeFixture {

    static final Path ROOT = Path.of("src/test/resources/upgrade");
    static final ObjectMapper JSON = new ObjectMapper();
    /** The flux0 session of the shared fixtures, with a second flux0 session sharing one of its correlation roots. */
    static final String CHAT = "zv3h4j5Fjv";
    static final String ROOT_ID = "RID(lyH-sVmwJO)";

    /** Every read whose answer must survive an upgrade unchanged. */
    static final List<String> READS = List.of(
            "/v1/sessions/" + CHAT + "?include=stats",
            "/v1/sessions/" + CHAT + "/events",
            "/v1/sessions/" + CHAT + "/events?include_deleted=true",
            "/v1/sessions/" + CHAT + "/events/o5kf8vKzI5?shape=record",
            "/v1/sessions/" + CHAT + "/events/F2srsmTGrN",
            "/v1/sessions/up-tail/events?include_deleted=true",
            "/v1/sessions/up-tail?include=stats",
            "/v1/correlations/" + ROOT_ID + "?root=true",
            "/v1/correlations/" + ROOT_ID + "?root=true&include_deleted=true",
            "/v1/correlations/" + ROOT_ID + "::Y8oBzYT4CQ",
            "/v1/events?order=asc&limit=1000&include_deleted=true",
            "/v1/sessions?limit=100",
            "/v1/syllable/events?limit=100&order_by_direction=asc");

    private UpgradeFixture() {
    }

    public static void main(final String[] args) throws Exception {
        final Path folder = ROOT.resolve(args[0]);
        final Path data = Files.createTempDirectory("sessionlog-upgrade-fixture");
        final ObjectNode expected = JSON.createObjectNode();
        try (Sessionlog app = Sessionlog.start(settings(data))) {
            final Http http = new Http(app.httpUrl());
            http.awaitGet("/health/ready", a -> a.status() == 200, Duration.ofSeconds(60));
            write(http);
            // Settled once two rounds of every read, three seconds apart, answer the same.
            Awaitility.await("every read settled").atMost(Duration.ofMinutes(2)).pollDelay(Duration.ofSeconds(3))
                    .pollInterval(Duration.ofSeconds(3)).until(() -> {
                        final ObjectNode now = JSON.createObjectNode();
                        READS.forEach(path -> now.set(path, read(http, path)));
                        final boolean same = now.equals(expected) && now.get(READS.get(5)).path("body").path("data").size() == 30;
                        expected.removeAll().setAll(now);
                        return same;
                    });
        }
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("expected.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(expected));
        zip(data, folder.resolve("data.zip"));
        System.out.println("upgrade fixture written to " + folder.toAbsolutePath());
    }

    /** The settings of the embedded default on a data dir, on free ports, three partitions a topic. */
    static Map<String, String> settings(final Path dataDir) {
        return Map.of(AppConfig.DATA_DIR, dataDir.toString(), AppConfig.EMBEDDED_KAFKA_PORT, "0",
                "registry.port", "0", AppConfig.HTTP_PORT, "0", "topic.partitions", "3");
    }

    /** Every origin; a correlation root across two sessions; a delete by id, a tail delete, a patch. */
    private static void write(final Http http) {
        for (final Path file : Fixtures.files("E")) {
            accepted(http.post("/v1/sessions/" + CHAT + "/events", Fixtures.bytes(file)));
        }
        // Some of the shared fixtures are refused by design (a Syllable event naming no session): those stay out.
        for (final Path file : Fixtures.files("Y")) {
            answered(http.post("/v1/syllable/events", Fixtures.bytes(file)));
        }
        for (final Path file : Fixtures.files("K")) {
            answered(http.post("/v1/inkeep/events", Fixtures.bytes(file)));
        }
        accepted(http.post("/v1/sessions/up-second/events", "[" + flux0("up-b-1", ROOT_ID + "::b1", "user", "the same request, elsewhere")
                + "," + flux0("up-b-2", ROOT_ID + "::b1::b2", "ai_agent", "answered from the second session") + "]"));
        final StringBuilder tail = new StringBuilder("[");
        for (int i = 0; i < 30; i++) {
            tail.append(i == 0 ? "" : ",").append(flux0("up-t-" + i, "RID(tail-" + i / 3 + ")", i % 2 == 0 ? "user" : "ai_agent", "line " + i));
        }
        accepted(http.post("/v1/sessions/up-tail/events", tail.append(']').toString()));
        accepted(http.delete("/v1/sessions/" + CHAT + "/events/F2srsmTGrN"));
        accepted(http.delete("/v1/sessions/up-tail/events?min_offset=20"));
        accepted(http.patch("/v1/sessions/" + CHAT, "{\"consumption_offsets\":{\"client\":2},\"title\":\"Weather in SF\"}"));
    }

    static String flux0(final String id, final String correlation, final String source, final String text) {
        return "{\"id\":\"" + id + "\",\"correlation_id\":\"" + correlation + "\",\"type\":\"message\",\"source\":\"" + source
                + "\",\"data\":{\"type\":\"message\",\"parts\":[{\"type\":\"content\",\"content\":\"" + text + "\"}]},"
                + "\"created_at\":\"2025-02-01T10:00:00Z\",\"metadata\":{\"agent_id\":\"up-agent\"}}";
    }

    private static void accepted(final Http.Answer answer) {
        if (answer.status() / 100 != 2) {
            throw new IllegalStateException("refused: " + answer.status() + " " + answer.body());
        }
    }

    private static void answered(final Http.Answer answer) {
        if (answer.status() / 100 != 2 && answer.status() != 400) {
            throw new IllegalStateException("failed: " + answer.status() + " " + answer.body());
        }
    }

    static JsonNode read(final Http http, final String path) {
        final Http.Answer answer = http.get(path);
        return JSON.createObjectNode().put("status", answer.status()).set("body", answer.body());
    }

    private static void zip(final Path dir, final Path zip) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip)); Stream<Path> files = Files.walk(dir)) {
            for (final Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new ZipEntry(dir.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }

    /** Unpacks a fixture's data dir into {@code dir}. */
    static void unzip(final InputStream zip, final Path dir) {
        try (ZipInputStream in = new ZipInputStream(zip)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                final Path file = dir.resolve(entry.getName()).normalize();
                if (!file.startsWith(dir)) {
                    throw new IOException("entry outside the data dir: " + entry.getName());
                }
                Files.createDirectories(file.getParent());
                try (OutputStream out = Files.newOutputStream(file)) {
                    in.transferTo(out);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
