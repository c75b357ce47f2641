package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** {@code sessionlog tail}: a topic's records as JSON lines, decoded through the registry, one session's alone if asked. */
@ExtendWith(SharedKafkaCluster.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TailCommandIT {

    private static final String PREFIX = "tail-" + System.nanoTime() + ".";

    @Test
    void printsEachRecordOfASessionAsAJsonLineWithItsAvroValue() throws Exception {
        try (Sessionlog app = TestApps.start(PREFIX, Map.of())) {
            final Http http = new Http(app.httpUrl());
            for (final String session : List.of("tail-a", "tail-b")) {
                assertEquals(202, http.post("/v1/sessions/" + session + "/events", """
                        {"id": "%s-1", "correlation_id": "RID(t)::1", "type": "message", "source": "user",
                         "data": {"type": "message", "parts": [{"type": "content", "content": "hello from %s"}]},
                         "created_at": "2025-01-29T09:27:41Z"}""".formatted(session, session)).status());
            }
            http.awaitGet("/v1/sessions/tail-b/events", a -> a.status() == 200 && a.body().get("data").size() == 1, Duration.ofSeconds(30));

            final ByteArrayOutputStream printed = new ByteArrayOutputStream();
            final TailCommand tail = new TailCommand();
            tail.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
            final int exit = new CommandLine(tail).execute("events", "--session", "tail-a", "--from-beginning", "--exit-at-end",
                    "-D", "kafka.bootstrap.servers=" + app.bootstrapServers(), "-D", "schema.registry.url=" + app.registryUrl().orElseThrow(),
                    "-D", "topic.prefix=" + PREFIX);
            assertEquals(0, exit);
            final List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
            assertEquals(1, lines.size(), "one record of tail-a, none of tail-b: " + lines);
            final JsonNode line = new ObjectMapper().readTree(lines.get(0));
            assertEquals(PREFIX + "events", line.get("topic").asText());
            assertEquals("tail-a", line.get("key").asText());
            assertEquals(0, line.get("value").get("offset").asLong(), "the stamped offset");
            assertEquals("tail-a-1", line.get("value").get("event").get("event_id").asText());
            assertTrue(line.get("value").get("event").get("data_json").asText().contains("hello from tail-a"), line.toString());
        }
    }
}
