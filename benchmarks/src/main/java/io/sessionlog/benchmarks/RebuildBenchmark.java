package io.sessionlog.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionlog.app.Sessionlog;
import org.awaitility.Awaitility;
import org.eclipse.jetty.client.api.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.util.StringRequestContent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How fast the read models are rebuilt from the topics ({@code sessionlog rebuild projections}): every role in one
 * process, {@code --events} flux0 events posted in batches over {@code --sessions} sessions and read back, then the
 * rebuild started and followed until done, while nothing else is written.
 */
@Command(name = "rebuild", mixinStandardHelpOptions = true,
        description = "Rebuild speed of the read models from sessionlog.events and sessionlog.sessions, in records/s and events/s.")
final class RebuildBenchmark implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--events", defaultValue = "200000", description = "Events posted before the rebuild (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--sessions", defaultValue = "2000", description = "Sessions they go to (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = {"-D", "--set"}, description = "A sessionlog setting for the run.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--data-dir", defaultValue = "target/bench-rebuild", description = "Folder for the broker and state (wiped first).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        try (Sessionlog app = EmbeddedRun.start(dataDir, settings)) {
            final HttpClient client = new HttpClient();
            client.start();
            final String base = app.httpUrl();
            QueryBenchmark.awaitReady(client, base, Duration.ofSeconds(60));
            System.out.printf(Locale.ROOT, "rebuild benchmark: %,d flux0 events over %,d sessions%n", events, sessions);
            for (int n = 0; n < events; ) {
                final int session = (n / 100) % sessions;
                final StringBuilder body = new StringBuilder("[");
                for (int i = 0; i < 100 && n < events; i++, n++) {
                    body.append(i == 0 ? "" : ",").append("""
                            {"id":"e%d","correlation_id":"RID(r%d)::%d","type":"message","source":"user",\
                            "data":{"type":"message","parts":[{"type":"content","content":"Turn %d of a conversation, with some words in it."}]},\
                            "created_at":"2025-01-29T09:27:41Z"}""".formatted(n, n / 4, n % 4, n));
                }
                final ContentResponse answer = client.POST(base + "/v1/sessions/s" + session + "/events").timeout(60, TimeUnit.SECONDS)
                        .body(new StringRequestContent("application/json", body.append(']').toString(), StandardCharsets.UTF_8)).send();
                if (answer.getStatus() != 202) {
                    throw new IllegalStateException("POST answered " + answer.getStatus() + ": " + answer.getContentAsString());
                }
                if (n % 50_000 == 0) {
                    System.out.printf(Locale.ROOT, "  posted %,d of %,d events%n", n, events);
                }
            }
            final String last = base + "/v1/sessions/s" + ((events - 1) / 100 % sessions) + "/events/e" + (events - 1);
            Awaitility.await("the last event readable").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> client.GET(last).getStatus() == 200);
            final long start = System.nanoTime();
            final ContentResponse started = client.POST(base + "/v1/projections/rebuild").timeout(30, TimeUnit.SECONDS).send();
            if (started.getStatus() != 202) {
                throw new IllegalStateException("rebuild answered " + started.getStatus() + ": " + started.getContentAsString());
            }
            final JsonNode[] state = new JsonNode[1];
            final long[] printed = {0};
            Awaitility.await("the rebuild done").atMost(Duration.ofMinutes(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                state[0] = JSON.readTree(client.GET(base + "/v1/projections/rebuild").getContentAsString());
                if (System.nanoTime() - printed[0] > 5_000_000_000L) {
                    System.out.printf(Locale.ROOT, "  %,d of %,d records applied%n", state[0].path("applied").asLong(), state[0].path("total").asLong());
                    printed[0] = System.nanoTime();
                }
                return !state[0].path("rebuilding").asBoolean();
            });
            final JsonNode progress = state[0];
            if (progress.has("error")) {
                throw new IllegalStateException("the rebuild failed: " + progress.get("error").asText());
            }
            Awaitility.await("ready again").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> client.GET(base + "/health/ready").getStatus() == 200 && client.GET(last).getStatus() == 200);
            final double seconds = (System.nanoTime() - start) / 1e9;
            final long records = progress.path("total").asLong();
            System.out.printf(Locale.ROOT, "rebuild of the read models: %,d records (%,d events and their sessions' views) in %.1f s: "
                    + "%,.0f records/s, %,.0f events/s; queries answered 503 throughout, then every one as before%n",
                    records, events, seconds, records / seconds, events / seconds);
            client.stop();
        }
        return 0;
    }
}
