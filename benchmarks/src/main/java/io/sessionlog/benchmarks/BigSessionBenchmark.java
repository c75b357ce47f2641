package io.sessionlog.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionlog.app.Sessionlog;
import org.HdrHistogram.Histogram;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.ContentResponse;
import org.eclipse.jetty.client.util.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One long session and the clients that read it: all roles in one process on the embedded broker, a session of
 * 100,000 flux0 events, then 400 consumption patches (8 in flight, as chat clients mark messages read) and a delete of
 * all of its events, while a probe writes one event at a time to a fresh session of the same partition and times
 * until a long-poll sees it. The work of one session's record must not hold up the other sessions of its partition.
 */
@Command(name = "bigsession", mixinStandardHelpOptions = true,
        description = "A 100,000-event session patched and tail-deleted while another session's write -> visible is timed.")
final class BigSessionBenchmark implements Callable<Integer> {

    private static final String BIG = "big";
    private static final int PROBE_THREADS = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--events", defaultValue = "100000", description = "Events of the long session (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--patches", defaultValue = "400", description = "Consumption patches (default: ${DEFAULT-VALUE}).")
    int patches;

    @Option(names = "--in-flight", defaultValue = "8", description = "Patches in flight at once (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--idle-seconds", defaultValue = "20", description = "Seconds of probes before the patches, the baseline (default: ${DEFAULT-VALUE}).")
    int idleSeconds;

    @Option(names = {"-D", "--set"}, description = "A sessionlog setting for the run, e.g. -D processor.delete.step.events=1000.")
    Map<String, String> settings = new java.util.LinkedHashMap<>();

    @Option(names = "--data-dir", defaultValue = "target/bench-bigsession", description = "Folder for the broker (wiped first).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        try (Sessionlog app = EmbeddedRun.start(dataDir, settings)) {
            final HttpClient client = new HttpClient();
            client.setMaxConnectionsPerDestination(64);
            client.start();
            final String base = app.httpUrl();
            QueryBenchmark.awaitReady(client, base, Duration.ofSeconds(60));
            final int partitions = Integer.parseInt(settings.getOrDefault("topic.partitions", "6"));
            System.out.printf(Locale.ROOT, "bigsession benchmark: all roles in one process; a session of %,d flux0 events, "
                    + "%d consumption patches (%d in flight), then a delete of all its events%n", events, patches, inFlight);
            fill(client, base);

            final Probes probes = new Probes(client, base, partitions);
            probes.phase("idle");
            final List<CompletableFuture<Void>> probing = new ArrayList<>();
            for (int thread = 0; thread < PROBE_THREADS; thread++) {
                final int first = thread;
                probing.add(CompletableFuture.runAsync(() -> probes.run(first), java.util.concurrent.Executors.newSingleThreadExecutor()));
            }
            sleep(Duration.ofSeconds(idleSeconds));

            // A running service has served patches before: the first ones of a fresh JVM would time the JIT compiler.
            System.out.println("  warming up: the same patches to another session");
            patch(client, base, "warm-up");
            probes.phase("patches");
            final double patchSeconds = patch(client, base, BIG);
            probes.phase("settle");
            sleep(Duration.ofSeconds(5));

            probes.phase("tail delete");
            final long deleteStart = System.nanoTime();
            final double deleteSeconds = deleteAll(client, base);
            Awaitility.await("the delete across sessions").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> JSON.readTree(client.GET(base + "/v1/events?session_id=" + BIG + "&limit=1").getContent())
                            .get("data").isEmpty());
            final double reEmittedSeconds = (System.nanoTime() - deleteStart) / 1e9;
            probes.stop();
            for (final CompletableFuture<Void> probe : probing) {
                probe.get(30, TimeUnit.SECONDS);
            }
            client.stop();

            System.out.printf(Locale.ROOT, "%n%d patches applied in %.2f s: %,.0f patches/s (goal >= 1,000/s)%n",
                    patches, patchSeconds, patches / patchSeconds);
            System.out.printf(Locale.ROOT, "tail delete of %,d events visible in %.2f s (goal <= 5 s): the session's events "
                    + "list empty and its view counting them deleted%n", events, deleteSeconds);
            System.out.printf(Locale.ROOT, "every deleted event re-emitted and out of the search across sessions (GET /v1/events) "
                    + "in %.1f s%n", reEmittedSeconds);
            System.out.println("another session's write -> visible (probes on the long session's partition):");
            probes.print();
        }
        return 0;
    }

    /** Posts the long session's events in arrays of 1,000, and waits until its last one is visible. */
    private void fill(final HttpClient client, final String base) throws Exception {
        final long start = System.nanoTime();
        for (int first = 0; first < events; first += 1_000) {
            final StringBuilder body = new StringBuilder("[");
            for (int n = first; n < Math.min(events, first + 1_000); n++) {
                body.append(n == first ? "" : ",").append(flux0Event(n));
            }
            final ContentResponse answer = client.POST(base + "/v1/sessions/" + BIG + "/events")
                    .body(new StringRequestContent("application/json", body.append(']').toString(), StandardCharsets.UTF_8))
                    .timeout(60, TimeUnit.SECONDS).send();
            if (answer.getStatus() != 202) {
                throw new IllegalStateException("filling answered " + answer.getStatus() + ": " + answer.getContentAsString());
            }
            if ((first / 1_000) % 10 == 9) {
                System.out.printf(Locale.ROOT, "  filling: %,d of %,d events written%n", first + 1_000, events);
            }
        }
        Awaitility.await("the long session visible").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            final JsonNode view = view(client, base);
            System.out.printf(Locale.ROOT, "  filling: %,d events visible%n", view == null ? 0 : view.get("stats").get("event_count").asLong());
            return view != null && view.get("stats").get("event_count").asLong() == events;
        });
        System.out.printf(Locale.ROOT, "filled %,d events in %.1f s%n", events, (System.nanoTime() - start) / 1e9);
        final ContentResponse warm = client.POST(base + "/v1/sessions/warm-up/events").body(new StringRequestContent(
                "application/json", "[" + flux0Event(0) + "," + flux0Event(1) + "]", StandardCharsets.UTF_8)).send();
        if (warm.getStatus() != 202) {
            throw new IllegalStateException("the warm-up session answered " + warm.getStatus());
        }
        Awaitility.await("the warm-up session").atMost(Duration.ofMinutes(1)).until(() -> view(client, base, "warm-up") != null);
    }

    /**
     * Sends the patches, {@code inFlight} at a time: each of {@code inFlight} consumers moves its offset forward, one
     * patch after the other, as a chat client marks messages read. Returns the seconds from the first patch sent to
     * the session view showing every consumer's last offset, and checks the unread counts it shows.
     */
    private double patch(final HttpClient client, final String base, final String session) throws Exception {
        final Semaphore slots = new Semaphore(inFlight);
        final Histogram acknowledged = new Histogram(3);
        final AtomicReference<String> failure = new AtomicReference<>();
        final long start = System.nanoTime();
        for (int i = 0; i < patches; i++) {
            final String consumer = "reader-" + (i % inFlight);
            final long offset = consumedOffset(i);
            slots.acquire();
            final long sent = System.nanoTime();
            client.newRequest(base + "/v1/sessions/" + session).method(HttpMethod.PATCH)
                    .body(new StringRequestContent("application/json",
                            "{\"consumption_offsets\":{\"" + consumer + "\":" + offset + "}}", StandardCharsets.UTF_8))
                    .timeout(30, TimeUnit.SECONDS)
                    .send(result -> {
                        synchronized (acknowledged) {
                            acknowledged.recordValue(Math.max(1, (System.nanoTime() - sent) / 1_000));
                        }
                        if (result.isFailed() || result.getResponse().getStatus() != 202) {
                            failure.compareAndSet(null, "a patch failed: " + (result.isFailed() ? result.getFailure()
                                    : result.getResponse().getStatus()));
                        }
                        slots.release();
                    });
        }
        slots.acquire(inFlight);
        final long acknowledgedAt = System.nanoTime();
        if (failure.get() != null) {
            throw new IllegalStateException(failure.get());
        }
        final Map<String, Long> last = new java.util.TreeMap<>();
        for (int i = Math.max(0, patches - inFlight); i < patches; i++) {
            last.put("reader-" + (i % inFlight), consumedOffset(i));
        }
        final long[] appliedAt = new long[1];
        Awaitility.await("every patch applied").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
            final JsonNode view = view(client, base, session);
            appliedAt[0] = System.nanoTime();
            return last.entrySet().stream().allMatch(e -> view.get("consumption_offsets").path(e.getKey()).asLong(-1) == e.getValue());
        });
        System.out.printf(Locale.ROOT, "  %s: %d patches acknowledged (202) in %.2f s, p50 %.1f ms, p99 %.1f ms each; "
                + "applied (the view shows every consumer's last offset) %.2f s after the first was sent%n", session, patches,
                (acknowledgedAt - start) / 1e9, acknowledged.getValueAtPercentile(50) / 1000.0,
                acknowledged.getValueAtPercentile(99) / 1000.0, (appliedAt[0] - start) / 1e9);
        final JsonNode unread = view(client, base, session).get("stats").get("unread_counts");
        final long count = view(client, base, session).get("stats").get("event_count").asLong();
        last.forEach((consumer, offset) -> {
            final long expected = Math.max(0, count - 1 - offset);
            if (unread.path(consumer).asLong(-1) != expected) {
                throw new IllegalStateException(consumer + " at " + offset + " shows " + unread.path(consumer) + " unread, not "
                        + expected);
            }
        });
        return (appliedAt[0] - start) / 1e9;
    }

    /** The i-th patch's offset: each consumer's grow with its patches, across the whole session. */
    private long consumedOffset(final int i) {
        final int rounds = (patches + inFlight - 1) / inFlight;
        return (long) (i / inFlight + 1) * (events - 1) / rounds - (i % inFlight);
    }

    /** Deletes every event of the long session; returns the seconds until its events list is empty and its view says so. */
    private double deleteAll(final HttpClient client, final String base) throws Exception {
        final long start = System.nanoTime();
        final ContentResponse answer = client.newRequest(base + "/v1/sessions/" + BIG + "/events?min_offset=0")
                .method(HttpMethod.DELETE).timeout(30, TimeUnit.SECONDS).send();
        if (answer.getStatus() != 202) {
            throw new IllegalStateException("the delete answered " + answer.getStatus());
        }
        Awaitility.await("the tail delete visible").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
            final ContentResponse page = client.GET(base + "/v1/sessions/" + BIG + "/events?limit=1");
            final ContentResponse lastPage = client.GET(base + "/v1/sessions/" + BIG + "/events?limit=1&min_offset=" + (events - 1));
            return page.getStatus() == 200 && JSON.readTree(page.getContent()).get("data").isEmpty()
                    && JSON.readTree(lastPage.getContent()).get("data").isEmpty()
                    && view(client, base).get("stats").get("deleted_count").asLong() == events;
        });
        return (System.nanoTime() - start) / 1e9;
    }

    private static JsonNode view(final HttpClient client, final String base) throws Exception {
        return view(client, base, BIG);
    }

    private static JsonNode view(final HttpClient client, final String base, final String session) throws Exception {
        final ContentResponse answer = client.GET(base + "/v1/sessions/" + session + "?include=stats");
        return answer.getStatus() == 200 ? JSON.readTree(answer.getContent()) : null;
    }

    private static String flux0Event(final int n) {
        return "{\"id\":\"big-" + n + "\",\"correlation_id\":\"RID(big-" + n / 4 + ")::turn\",\"type\":\"message\","
                + "\"source\":\"" + (n % 2 == 0 ? "user" : "ai_agent") + "\",\"data\":{\"type\":\"message\",\"parts\":"
                + "[{\"type\":\"content\",\"content\":\"Message " + n + " of a conversation that goes on for a long time\"}],"
                + "\"participant\":{\"id\":\"p-" + n % 2 + "\",\"name\":\"" + (n % 2 == 0 ? "A user" : "The agent") + "\"},"
                + "\"flagged\":false,\"tags\":[]},\"created_at\":\"2025-01-29T09:27:41Z\"}";
    }

    private static void sleep(final Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }

    /** Probe writes to fresh sessions on the long session's partition, timed until a long-poll sees each, by phase. */
    /** The pause between one probe's answer and the next probe, the pace performance.md's figures were measured at. */
    private static final Duration PROBE_PACE = Duration.ofMillis(10);

    private static final class Probes {
        private final HttpClient client;
        private final String base;
        private final int partitions;
        private final Map<String, Histogram> byPhase = new java.util.LinkedHashMap<>();
        private volatile Histogram current;
        private volatile boolean stopped;

        Probes(final HttpClient client, final String base, final int partitions) {
            this.client = client;
            this.base = base;
            this.partitions = partitions;
        }

        void phase(final String name) {
            System.out.printf(Locale.ROOT, "  phase: %s%n", name);
            final Histogram histogram = new Histogram(3);
            synchronized (byPhase) {
                byPhase.put(name, histogram);
            }
            current = histogram;
        }

        void stop() {
            stopped = true;
        }

        /** Probes until stopped, each to a fresh session: {@code probe-<thread>-<n>}. */
        void run(final int thread) {
            final int partition = partitionOf(BIG);
            int next = 0;
            while (!stopped) {
                String session;
                do {
                    session = "probe-" + thread + "-" + next++;
                } while (partitionOf(session) != partition);
                try {
                    final Histogram into = current;
                    final long millis = QueryBenchmark.visibleAfterMillis(client, base, session);
                    synchronized (byPhase) {
                        into.recordValue(millis);
                    }
                    sleep(PROBE_PACE);
                } catch (Exception e) {
                    throw new IllegalStateException("a probe failed", e);
                }
            }
        }

        /** The raw topic's partition of a session: Kafka's default partitioner over the key. */
        private int partitionOf(final String session) {
            return Utils.toPositive(Utils.murmur2(session.getBytes(StandardCharsets.UTF_8))) % partitions;
        }

        void print() {
            final List<String> lines = new ArrayList<>();
            final Histogram busy = new Histogram(3);
            synchronized (byPhase) {
                byPhase.forEach((phase, h) -> {
                    lines.add(String.format(Locale.ROOT, "  %-12s %4d probes: p50 %4d ms, p99 %5d ms, max %5d ms", phase,
                            h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getMaxValue()));
                    if (!phase.equals("idle")) {
                        busy.add(h);
                    }
                });
            }
            lines.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "  throughout the patches and the delete, %d probes: p50 %d ms, p99 %d ms (goal <= 500 ms), max %d ms%n",
                    busy.getTotalCount(), busy.getValueAtPercentile(50), busy.getValueAtPercentile(99), busy.getMaxValue());
        }
    }
}
