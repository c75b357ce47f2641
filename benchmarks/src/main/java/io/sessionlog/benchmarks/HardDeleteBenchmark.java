package io.sessionlog.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.sessionlog.app.Sessionlog;
import org.awaitility.Awaitility;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.ContentResponse;
import org.eclipse.jetty.client.util.StringRequestContent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How long a hard delete of a long session takes to reach every read route. Writes sessions of
 * {@code --events} flux0 events each (one correlation root per turn of four), waits until each is visible, then
 * deletes them one at a time and times each from the {@code DELETE} until the session, its listing, its first and
 * last events by id and its correlation root all answer without it, polled every 5 ms.
 */
@Command(name = "hard-delete", mixinStandardHelpOptions = true,
        description = "Time from DELETE /v1/sessions/{id} until every read route answers 404 for a long session.")
final class HardDeleteBenchmark implements Callable<Integer> {

    /** How often a route is asked again: the resolution of the figure. */
    private static final Duration POLL = Duration.ofMillis(5);

    @Option(names = "--events", defaultValue = "10000", description = "Events per session (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--rounds", defaultValue = "5", description = "Sessions written and deleted (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = {"-D", "--set"}, description = "A sessionlog setting for the run.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--data-dir", defaultValue = "target/bench-hard-delete", description = "Folder for the broker and state (wiped first).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        try (Sessionlog app = EmbeddedRun.start(dataDir, settings)) {
            final HttpClient client = new HttpClient();
            client.start();
            final String base = app.httpUrl();
            QueryBenchmark.awaitReady(client, base, Duration.ofSeconds(60));
            System.out.printf(Locale.ROOT, "hard-delete benchmark: %d sessions of %,d events each, deleted one at a time%n", rounds, events);
            final List<Long> millis = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                final String session = "long-" + round;
                write(client, base, session);
                awaitStatus(client, base + "/v1/sessions/" + session + "/events/" + session + "-" + (events - 1), 200, Duration.ofMinutes(5));
                final long start = System.nanoTime();
                final ContentResponse deleted = client.newRequest(base + "/v1/sessions/" + session).method("DELETE")
                        .timeout(30, TimeUnit.SECONDS).send();
                if (deleted.getStatus() != 204) {
                    throw new IllegalStateException("DELETE answered " + deleted.getStatus() + ": " + deleted.getContentAsString());
                }
                final long acknowledged = System.nanoTime() - start;
                for (final String route : List.of("/v1/sessions/" + session, "/v1/sessions/" + session + "/events?include_deleted=true",
                        "/v1/sessions/" + session + "/events/" + session + "-0", "/v1/sessions/" + session + "/events/" + session + "-" + (events - 1))) {
                    awaitStatus(client, base + route, 404, Duration.ofMinutes(2));
                }
                awaitNoCorrelation(client, base, session);
                final long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                millis.add(took);
                System.out.printf(Locale.ROOT, "  round %d: acknowledged in %d ms, every route without the session after %,d ms%n",
                        round + 1, TimeUnit.NANOSECONDS.toMillis(acknowledged), took);
            }
            client.stop();
            millis.sort(Long::compare);
            System.out.printf(Locale.ROOT, "delete of a %,d-event session until every route answers 404: median %,d ms, max %,d ms (%d rounds)%n",
                    events, millis.get(millis.size() / 2), millis.get(millis.size() - 1), rounds);
        }
        return 0;
    }

    private void write(final HttpClient client, final String base, final String session) throws Exception {
        for (int n = 0; n < events; ) {
            final StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < 100 && n < events; i++, n++) {
                body.append(i == 0 ? "" : ",").append("""
                        {"id":"%s-%d","correlation_id":"RID(%s-t%d)::r%d","type":"message","source":"%s",\
                        "data":{"type":"message","parts":[{"type":"content","content":"Turn %d of a long conversation, with some words in it."}]},\
                        "created_at":"2025-01-29T09:%02d:%02dZ"}""".formatted(session, n, session, n / 4, n % 4,
                        n % 2 == 0 ? "user" : "ai_agent", n, n / 60 % 60, n % 60));
            }
            final ContentResponse answer = client.POST(base + "/v1/sessions/" + session + "/events").timeout(60, TimeUnit.SECONDS)
                    .body(new StringRequestContent("application/json", body.append(']').toString(), StandardCharsets.UTF_8)).send();
            if (answer.getStatus() != 202) {
                throw new IllegalStateException("POST answered " + answer.getStatus() + ": " + answer.getContentAsString());
            }
        }
    }

    /** Polls {@code url} every 5 ms until it answers {@code status}; fails after {@code timeout}. */
    private static void awaitStatus(final HttpClient client, final String url, final int status, final Duration timeout) {
        Awaitility.await(url + " answers " + status).atMost(timeout).pollInterval(POLL)
                .until(() -> client.GET(url).getStatus() == status);
    }

    /** Polls the session's first correlation root every 5 ms until no event of the session is linked to it. */
    private static void awaitNoCorrelation(final HttpClient client, final String base, final String session) {
        final String url = base + "/v1/correlations/RID%28" + session + "-t0%29?root=true&include_deleted=true";
        Awaitility.await("correlation root without " + session).atMost(Duration.ofMinutes(2)).pollInterval(POLL).until(() -> {
            final ContentResponse answer = client.GET(url);
            return answer.getStatus() == 200 && !answer.getContentAsString().contains("\"" + session + "\"");
        });
    }
}
