package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A data dir written by an earlier version starts on this one and answers every read as it did, by itself; the
 * sessions it holds carry on: offsets continue, a duplicate of an old event is still one.
 */
class UpgradeIT {

    private final Path data = SharedKafkaCluster.newTestDir("app-upgrade");

    @AfterEach
    void cleanUp() {
        SharedKafkaCluster.deleteRecursively(data);
    }

    /** @param layout a fixture folder, named after the layout that wrote it (see {@link UpgradeFixture}); one per layout */
    @ParameterizedTest
    @ValueSource(strings = {"v1-whole-copies"})
    @Timeout(300)
    void aDataDirOfAnEarlierLayoutAnswersTheSameAndCarriesOn(final String layout) throws IOException {
        final JsonNode expected;
        try (InputStream zip = resource(layout + "/data.zip"); InputStream answers = resource(layout + "/expected.json")) {
            UpgradeFixture.unzip(zip, data);
            expected = UpgradeFixture.JSON.readTree(answers);
        }
        try (Sessionlog app = Sessionlog.start(UpgradeFixture.settings(data))) {
            final Http http = new Http(app.httpUrl());
            http.awaitGet("/health/ready", a -> a.status() == 200, Duration.ofSeconds(120));
            for (final String path : UpgradeFixture.READS) {
                // A read model the new version derives anew may take a moment to fill from what is kept.
                final JsonNode answered = Awaitility.await(path).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> UpgradeFixture.read(http, path), answer -> answer.equals(expected.get(path)));
                assertEquals(expected.get(path), answered, path);
            }
            final String events = "/v1/sessions/" + UpgradeFixture.CHAT + "/events";
            final long next = expected.get("/v1/sessions/" + UpgradeFixture.CHAT + "?include=stats").get("body").get("stats").get("last_offset").asLong() + 1;
            assertEquals(202, http.post(events, UpgradeFixture.flux0("after-upgrade", "RID(lyH-sVmwJO)::after", "user", "still here")).status());
            assertEquals(202, http.post(events, UpgradeFixture.flux0("o5kf8vKzI5", "RID(lyH-sVmwJO)::again", "user", "a retry")).status());
            final Http.Answer session = http.awaitGet("/v1/sessions/" + UpgradeFixture.CHAT + "?include=stats",
                    a -> a.body().path("stats").path("duplicate_count").asLong() > expected.get("/v1/sessions/" + UpgradeFixture.CHAT
                            + "?include=stats").get("body").path("stats").path("duplicate_count").asLong(), Duration.ofSeconds(30));
            assertEquals(next, session.body().get("stats").get("last_offset").asLong(), "offsets continue after the upgrade");
            final Http.Answer added = http.awaitGet(events + "/after-upgrade", a -> a.status() == 200, Duration.ofSeconds(30));
            assertEquals(next, added.body().get("offset").asLong());
            final Http.Answer correlated = http.get("/v1/correlations/" + UpgradeFixture.ROOT_ID + "?root=true");
            assertEquals(List.of("o5kf8vKzI5", "after-upgrade"), correlated.body().get("data").findValues("id").stream()
                    .map(JsonNode::asText).filter(id -> id.equals("o5kf8vKzI5") || id.equals("after-upgrade")).toList(),
                    "the old and the new events of a root are found together");

            // An event stored whole by the earlier layout is deleted like any other, and keeps its content for readers.
            final JsonNode before = java.util.stream.StreamSupport.stream(expected.get(events + "?include_deleted=true").get("body")
                    .get("data").spliterator(), false).filter(e -> e.get("id").asText().equals("Hb3kP9xQ2v")).findFirst().orElseThrow();
            assertEquals(202, http.delete(events + "/Hb3kP9xQ2v").status());
            final Http.Answer deleted = http.awaitGet(events + "/Hb3kP9xQ2v", a -> a.body().path("deleted").asBoolean(), Duration.ofSeconds(30));
            assertEquals(before.get("data"), deleted.body().get("data"));
            assertEquals(before.get("offset"), deleted.body().get("offset"));
        }
    }

    private static InputStream resource(final String name) throws IOException {
        final InputStream in = UpgradeIT.class.getResourceAsStream("/upgrade/" + name);
        if (in == null) {
            throw new IOException("no upgrade fixture " + name);
        }
        return in;
    }
}
