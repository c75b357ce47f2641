package io.sessionlog.benchmarks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.sessionlog.app.Sessionlog;
import org.HdrHistogram.Histogram;
import org.awaitility.Awaitility;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.ContentResponse;
import org.eclipse.jetty.client.util.StringRequestContent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * All roles in one process on the embedded broker, with ingest at a steady rate: how long until a written event is
 * visible (a long-poll waiting for it returns), and how fast queries answer meanwhile.
 */
@Command(name = "query", mixinStandardHelpOptions = true, description = "Ingest-to-visible latency and query latency under load.")
final class QueryBenchmark implements Callable<Integer> {

    private static final int SESSIONS = 200;

    @Option(names = "--rate", defaultValue = "5000", description = "Events/s of the background ingest (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--seconds", defaultValue = "30", description = "Length of the measurement (default: ${DEFAULT-VALUE}).")
    int seconds;

    /**
     * On 2 cores the JIT compiler takes most of a core for the first 80-90 s of load (broker, three roles and clients
     * are a lot of code), and queries measured meanwhile wait for it: 90 s lets it settle, as in a running service.
     */
    @Option(names = "--warm-up", defaultValue = "90", description = "Seconds of load before measuring, for the JIT to settle (default: ${DEFAULT-VALUE}).")
    int warmUp;

    @Option(names = {"-D", "--set"}, description = "A sessionlog setting for the run, e.g. -D processor.commit.interval.ms=50.")
    Map<String, String> settings = new java.util.LinkedHashMap<>();

    @Option(names = "--data-dir", defaultValue = "target/bench-query", description = "Folder for the broker (wiped first).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        try (Sessionlog app = EmbeddedRun.start(dataDir, settings)) {
            final HttpClient client = new HttpClient();
            client.setMaxConnectionsPerDestination(64);
            client.start();
            awaitReady(client, app.httpUrl(), Duration.ofSeconds(60));
            System.out.printf(Locale.ROOT, "query benchmark: all roles in one process, ingest at %,d events/s, %d s warm-up, %d s measured%n",
                    rate, warmUp, seconds);
            prefill(client, app.httpUrl());
            final LoadGenerator load = new LoadGenerator(16);
            final CompletableFuture<LoadGenerator.Result> ingest = CompletableFuture.supplyAsync(() -> {
                try {
                    // Batches of 10 events: rate / 10 requests per second.
                    return load.run(URI.create(app.httpUrl() + "/v1/syllable/events"), 16, Duration.ofSeconds(warmUp + seconds),
                            rate / 10.0, n -> Events.syllable(n, 10));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            // The warm-up runs the same probes and queries as the measurement, so their code is compiled before it.
            final Probes warm = new Probes("warm-up-probe-");
            final long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmUp);
            for (long left = warmUp; left > 0; left = TimeUnit.NANOSECONDS.toSeconds(warmEnd - System.nanoTime())) {
                System.out.printf(Locale.ROOT, "  warming up: %d s left%n", left);
                warm.run(client, app.httpUrl(), Math.min(warmEnd, System.nanoTime() + TimeUnit.SECONDS.toNanos(20)));
            }
            final Probes measured = new Probes("probe-");
            final MachineUse use = MachineUse.start();
            measured.run(client, app.httpUrl(), System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds));
            final String busy = use.summary();
            final LoadGenerator.Result result = ingest.get();
            load.stop();
            System.out.println("while measured: " + busy);
            System.out.printf(Locale.ROOT, "background ingest, whole run: %,.0f events/s (p99 request %.1f ms, %d failed)%n",
                    result.perSecond() * 10, result.p99Micros() / 1000.0, result.failures());
            System.out.printf(Locale.ROOT, "ingest -> visible (long-poll returns), %d probes: p50 %d ms, p99 %d ms, max %d ms%n",
                    measured.visible.getTotalCount(), measured.visible.getValueAtPercentile(50), measured.visible.getValueAtPercentile(99),
                    measured.visible.getMaxValue());
            System.out.printf(Locale.ROOT, "GET a session view, %d queries: p50 %.2f ms, p99 %.2f ms%n", measured.view.getTotalCount(),
                    measured.view.getValueAtPercentile(50) / 1000.0, measured.view.getValueAtPercentile(99) / 1000.0);
            System.out.printf(Locale.ROOT, "GET a page of 100 events, %d queries: p50 %.2f ms, p99 %.2f ms%n", measured.page.getTotalCount(),
                    measured.page.getValueAtPercentile(50) / 1000.0, measured.page.getValueAtPercentile(99) / 1000.0);
            final Histogram wakeUps = LongPollWakeUp.measure(client, app.httpUrl(), app.bootstrapServers(),
                    new io.sessionlog.schemas.Topics(io.sessionlog.schemas.Topics.DEFAULT_PREFIX).events(), 50);
            System.out.printf(Locale.ROOT, "long-poll wake-up after its event is stamped and visible, quiet instance, %d probes: "
                    + "p50 %d ms, p99 %d ms, max %d ms%n", wakeUps.getTotalCount(), wakeUps.getValueAtPercentile(50),
                    wakeUps.getValueAtPercentile(99), wakeUps.getMaxValue());
            client.stop();
        }
        return 0;
    }

    /** Probe writes (timed until a long-poll sees them), each followed by 20 view and 20 page queries. */
    private static final class Probes {
        private final String sessionPrefix;
        private int next;
        final Histogram visible = new Histogram(3);
        final Histogram view = new Histogram(3);
        final Histogram page = new Histogram(3);

        /** @param sessionPrefix names the fresh session of each probe write, distinct per instance */
        Probes(final String sessionPrefix) {
            this.sessionPrefix = sessionPrefix;
        }

        void run(final HttpClient client, final String base, final long until) throws Exception {
            while (System.nanoTime() < until) {
                visible.recordValue(visibleAfterMillis(client, base, sessionPrefix + next++));
                for (int i = 0; i < 20; i++) {
                    view.recordValue(micros(client, base + "/v1/sessions/bench-" + (i % SESSIONS)));
                    page.recordValue(micros(client, base + "/v1/sessions/filled/events?limit=100&min_offset=" + (i * 37 % 400)));
                }
            }
        }
    }

    /** Starts a long-poll on a fresh session, writes one event to it, and times until the poll answers. */
    static long visibleAfterMillis(final HttpClient client, final String base, final String session) throws Exception {
        final CompletableFuture<Integer> poll = new CompletableFuture<>();
        client.newRequest(base + "/v1/sessions/" + session + "/events?wait_for_data=10").timeout(15, TimeUnit.SECONDS)
                .send(new org.eclipse.jetty.client.util.BufferingResponseListener() {
                    @Override
                    public void onComplete(final org.eclipse.jetty.client.api.Result result) {
                        poll.complete(result.getResponse().getStatus());
                    }
                });
        Thread.sleep(20);
        final long start = System.nanoTime();
        client.POST(base + "/v1/syllable/events").body(new StringRequestContent("application/json",
                "{\"timestamp\":\"2025-03-07T14:05:00Z\",\"session_id\":\"" + session + "\"}", StandardCharsets.UTF_8)).send();
        final int status = poll.get(15, TimeUnit.SECONDS);
        final long millis = (System.nanoTime() - start) / 1_000_000;
        if (status != 200) {
            System.out.printf(Locale.ROOT, "probe %s: the long-poll answered %d after %d ms%n", session, status, millis);
        }
        return millis;
    }

    private static long micros(final HttpClient client, final String url) throws Exception {
        final long start = System.nanoTime();
        final ContentResponse response = client.GET(url);
        if (response.getStatus() != 200) {
            throw new IllegalStateException(url + " answered " + response.getStatus());
        }
        return Math.max(1, (System.nanoTime() - start) / 1_000);
    }

    /** Sessions for the view queries, and one session of 500 events for the page queries. */
    private static void prefill(final HttpClient client, final String base) throws Exception {
        for (int s = 0; s < SESSIONS; s++) {
            client.POST(base + "/v1/syllable/events").body(new StringRequestContent("application/json",
                    new String(Events.syllable(s, 1), StandardCharsets.UTF_8).replace("\"bench-" + (s % 1000) + "\"", "\"bench-" + s + "\""),
                    StandardCharsets.UTF_8)).send();
        }
        final StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 500; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"timestamp\":\"2025-03-07T14:05:00Z\",\"session_id\":\"filled\",\"description\":\"n")
                    .append(i).append("\"}");
        }
        client.POST(base + "/v1/syllable/events").body(new StringRequestContent("application/json", batch.append(']').toString(),
                StandardCharsets.UTF_8)).send();
        Awaitility.await("prefilled sessions visible").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            final ContentResponse filled = client.GET(base + "/v1/sessions/filled/events?min_offset=499");
            final ContentResponse last = client.GET(base + "/v1/sessions/bench-" + (SESSIONS - 1));
            return filled.getStatus() == 200 && filled.getContentAsString().contains("\"offset\":499") && last.getStatus() == 200;
        });
    }

    /** Waits until {@code /health/ready} answers 200: every Streams app of the process running, stores restored. */
    static void awaitReady(final HttpClient client, final String base, final Duration timeout) {
        Awaitility.await("ready").atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> client.GET(base + "/health/ready").getStatus() == 200);
    }
}
