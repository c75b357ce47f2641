package io.sessionlog.benchmarks;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionlog.app.Sessionlog;
import org.HdrHistogram.Histogram;
import org.awaitility.Awaitility;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.ContentResponse;
import org.eclipse.jetty.client.util.StringRequestContent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Analysts' queries at scale: events of mixed origins spread over the last 30 days are bulk-loaded into every role in
 * one process, then, under steady ingest, each analyst query is timed: a page of events across sessions in a 1-hour
 * window (all, and of one type), sessions most recently active first, an Inkeep count by type per day over 30 days,
 * and stats per hour over 7 days. Prints the state each read model holds on disk.
 */
@Command(name = "analytics", mixinStandardHelpOptions = true,
        description = "Cross-session queries, stats and Inkeep aggregates over a large loaded log, under steady ingest.")
final class AnalyticsBenchmark implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The projections' application.id by default: the folder of their local state. */
    private static final String PROJECTIONS = "sessionlog-projections";

    @Option(names = "--events", defaultValue = "1000000", description = "Events to load (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--sessions", defaultValue = "10000", description = "Sessions they spread over (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--rate", defaultValue = "5000", description = "Events/s of steady ingest while measuring (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--queries", defaultValue = "200", description = "Timed queries of each kind (default: ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--warm-up", defaultValue = "60", description = "Seconds of ingest and queries before measuring (default: ${DEFAULT-VALUE}).")
    int warmUp;

    @Option(names = {"-D", "--set"}, description = "A sessionlog setting for the run.")
    Map<String, String> settings = new java.util.LinkedHashMap<>();

    @Option(names = "--data-dir", defaultValue = "target/bench-analytics", description = "Folder for the broker and state (wiped first).")
    Path dataDir;

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    /** Events in the log at the end: those loaded and those ingested while measuring. */
    private long total;

    @Override
    public Integer call() throws Exception {
        Folders.empty(dataDir);
        final Map<String, String> config = EmbeddedRun.config(dataDir, settings);
        try (Sessionlog app = Sessionlog.start(config)) {
            final HttpClient client = new HttpClient();
            client.setMaxConnectionsPerDestination(32);
            client.start();
            final String base = app.httpUrl();
            QueryBenchmark.awaitReady(client, base, Duration.ofSeconds(60));
            System.out.printf(Locale.ROOT, "analytics benchmark: %,d events over %,d sessions of three origins, the last 30 days%n", events, sessions);
            final long loadStart = System.nanoTime();
            load(client, base);
            final double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            System.out.printf(Locale.ROOT, "loaded and visible in %.0f s (%,.0f events/s through ingest, processor and projections)%n",
                    loadSeconds, events / loadSeconds);
            final LoadGenerator ingest = new LoadGenerator(16);
            final CompletableFuture<LoadGenerator.Result> steady = CompletableFuture.supplyAsync(() -> {
                try {
                    return ingest.run(URI.create(base + "/v1/syllable/events"), 16, Duration.ofDays(1), rate / 10.0,
                            n -> Events.syllable(n, 10));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            System.out.printf(Locale.ROOT, "steady ingest at %,d events/s; warming up %d s%n", rate, warmUp);
            final long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmUp);
            while (System.nanoTime() < warmEnd) {
                measure(client, base, 5, false);
            }
            final MachineUse use = MachineUse.start();
            measure(client, base, queries, true);
            System.out.println("while measured: " + use.summary());
            ingest.halt();
            final LoadGenerator.Result ingested = steady.get();
            ingest.stop();
            client.stop();
            total = events + (ingested.requests() - ingested.failures()) * 10;
            System.out.printf(Locale.ROOT, "steady ingest while measuring: %,.0f events/s, %d failed requests%n",
                    ingested.perSecond() * 10, ingested.failures());
        }
        // After a clean close every store has flushed its memtables: the files are what a restart reads.
        final long projectionsBytes = printState();
        restore(config, projectionsBytes);
        return 0;
    }

    /** Bulk loads the events, three formats, 1,000 lines per request, four requests at a time; waits until counted. */
    private void load(final HttpClient client, final String base) throws Exception {
        final ExecutorService senders = Executors.newFixedThreadPool(4);
        final AtomicLong sent = new AtomicLong();
        final int batch = 3_000;
        final java.util.List<CompletableFuture<Void>> pending = new java.util.ArrayList<>();
        for (int from = 0; from < events; from += batch) {
            final int start = from;
            pending.add(CompletableFuture.runAsync(() -> {
                final StringBuilder[] byFormat = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
                for (int n = start; n < Math.min(events, start + batch); n++) {
                    final int session = n % sessions;
                    byFormat[session % 3].append(line(n, session)).append('\n');
                }
                final String[] formats = {"Y", "E", "K"};
                for (int f = 0; f < 3; f++) {
                    if (byFormat[f].length() > 0) {
                        post(client, base + "/v1/bulk?format=" + formats[f], byFormat[f].toString(), "application/x-ndjson");
                    }
                }
                final long done = sent.addAndGet(Math.min(batch, events - start));
                if (done % 60_000 < batch) {
                    System.out.printf(Locale.ROOT, "  sent %,d of %,d events%n", done, events);
                }
            }, senders));
            if (pending.size() >= 8) {
                pending.remove(0).join();
            }
        }
        pending.forEach(CompletableFuture::join);
        senders.shutdown();
        // Visible once every event is counted: the stats are exact and cheap to read.
        Awaitility.await("every loaded event counted").atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofSeconds(5))
                .until(() -> counted(client, base), counted -> {
                    System.out.printf(Locale.ROOT, "  visible in the read models: %,d of %,d%n", counted, events);
                    return counted >= events;
                });
    }

    /** Events the day counters hold for the loaded range; 0 while they cannot answer (503 during a rebalance). */
    private long counted(final HttpClient client, final String base) throws Exception {
        return countedEvents(client, base, now.minus(Duration.ofDays(31)), now.plus(Duration.ofDays(1)));
    }

    /** Events the day counters hold for events of {@code [from, to)}; 0 while they cannot answer (503 during a rebalance). */
    static long countedEvents(final HttpClient client, final String base, final Instant from, final Instant to) throws Exception {
        final ContentResponse answer = client.newRequest(base + "/v1/stats?interval=day&from=" + from + "&to=" + to)
                .timeout(60, TimeUnit.SECONDS).send();
        if (answer.getStatus() != 200) {
            return 0;
        }
        long counted = 0;
        for (final JsonNode bucket : JSON.readTree(answer.getContentAsString()).get("buckets")) {
            counted += bucket.get("events").asLong();
        }
        return counted;
    }

    /** The n-th event: its time spread evenly over the last 30 days, its format by its session. */
    private String line(final int n, final int session) {
        final Instant at = now.minus(Duration.ofDays(30)).plusMillis((long) n * Duration.ofDays(30).toMillis() / events);
        return switch (session % 3) {
            case 0 -> "{\"timestamp\":\"" + at + "\",\"session_id\":\"an-" + session + "\",\"source\":\"tool-call\","
                    + "\"category\":\"automation\",\"type\":\"step-" + (n % 5) + "\",\"user_id\":\"+1555" + session
                    + "\",\"description\":\"event " + n + "\"}";
            case 1 -> "{\"session_id\":\"an-" + session + "\",\"id\":\"e-" + n + "\",\"correlation_id\":\"RID(" + (n / 4) + ")\","
                    + "\"type\":\"" + (n % 2 == 0 ? "message" : "status") + "\",\"source\":\"" + (n % 2 == 0 ? "user" : "ai_agent")
                    + "\",\"data\":" + (n % 2 == 0 ? "{\"type\":\"message\",\"parts\":[{\"type\":\"content\",\"content\":\"hello " + n + "\"}]}"
                    : "{\"type\":\"status\",\"status\":\"ready\"}") + ",\"created_at\":\"" + at + "\",\"metadata\":{\"agent_id\":\"agent-"
                    + (session % 7) + "\"}}";
            default -> "{\"type\":\"" + (n % 3 == 0 ? "conversation_shared" : "conversation_thumbs_up") + "\",\"conversationId\":\"an-"
                    + session + "\",\"createdAt\":\"" + at + "\",\"properties\":{\"plan\":\"" + (n % 2 == 0 ? "pro" : "free")
                    + "\"},\"userProperties\":{\"id\":\"u-" + session + "\"},\"entityType\":\"conversation\"}";
        };
    }

    private void measure(final HttpClient client, final String base, final int count, final boolean print) throws Exception {
        final Map<String, Histogram> timings = new TreeMap<>();
        final java.util.Random random = new java.util.Random(7);
        final String inkeep = "{\"select\":[{\"type\":\"aggregation\",\"aggregation\":\"count\"},{\"type\":\"time\",\"timeUnit\":\"day\","
                + "\"field\":\"createdAt\"}],\"groupBy\":[{\"field\":\"type\"}],\"where\":{\"condition\":{\"field\":\"createdAt\","
                + "\"operator\":\"gte\",\"value\":\"" + now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(30)) + "\"}}}";
        for (int i = 0; i < count; i++) {
            final Instant hour = now.minus(Duration.ofHours(1 + random.nextInt(24 * 29)));
            final String window = "start_datetime=" + hour + "&end_datetime=" + hour.plus(Duration.ofHours(1));
            time(timings, "GET /v1/events, 1-hour window, page of 100", () -> get(client, base + "/v1/events?limit=100&" + window));
            time(timings, "GET /v1/events, 1-hour window, types=message, page of 100",
                    () -> get(client, base + "/v1/events?limit=100&types=message&" + window));
            time(timings, "GET /v1/sessions, most recent first, page of 100", () -> get(client, base + "/v1/sessions?limit=100"));
            time(timings, "GET /v1/stats, per hour over 7 days", () -> get(client, base + "/v1/stats?interval=hour&from="
                    + encode(now.minus(Duration.ofDays(7)).toString())));
            if (i % 10 == 0) {
                time(timings, "POST /v1/inkeep/query/events, count by type per day over 30 days", () -> post(client,
                        base + "/v1/inkeep/query/events", inkeep, "application/json"));
            }
        }
        if (print) {
            timings.forEach((name, histogram) -> System.out.printf(Locale.ROOT, "%s, %d queries: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    name, histogram.getTotalCount(), histogram.getValueAtPercentile(50) / 1000.0,
                    histogram.getValueAtPercentile(99) / 1000.0, histogram.getMaxValue() / 1000.0));
        }
    }

    private interface Call {
        ContentResponse run() throws Exception;
    }

    private static void time(final Map<String, Histogram> timings, final String name, final Call call) throws Exception {
        final long start = System.nanoTime();
        call.run();
        timings.computeIfAbsent(name, n -> new Histogram(3)).recordValue(Math.max(1, (System.nanoTime() - start) / 1_000));
    }

    /**
     * Bytes on disk of each store of the state directory (every task's copy summed), and per million events (those
     * loaded and those ingested while measuring).
     */
    private long printState() throws Exception {
        System.out.printf(Locale.ROOT, "state on disk after a clean close, %,d events in the log:%n", total);
        final Map<String, Long> bytes = StateSizes.of(dataDir.resolve("streams"));
        bytes.forEach((store, size) -> System.out.printf(Locale.ROOT, "  state %-60s %,8.1f MB, %,8.1f MB per million events%n",
                store, size / 1e6, size / 1e6 * 1_000_000 / total));
        return bytes.entrySet().stream().filter(e -> e.getKey().startsWith(PROJECTIONS + " ")).mapToLong(Map.Entry::getValue).sum();
    }

    /**
     * Deletes the projections' local state and starts again on the same log: the time until every store is restored
     * from its changelog and the instance is ready, and until the counters answer for every loaded event.
     */
    private void restore(final Map<String, String> config, final long projectionsBytes) throws Exception {
        Folders.delete(dataDir.resolve("streams").resolve(PROJECTIONS));
        System.out.printf(Locale.ROOT, "projections' local state deleted (%,.0f MB); starting again on the same log%n", projectionsBytes / 1e6);
        final long start = System.nanoTime();
        try (Sessionlog again = Sessionlog.start(config)) {
            final HttpClient client = new HttpClient();
            client.start();
            QueryBenchmark.awaitReady(client, again.httpUrl(), Duration.ofMinutes(30));
            final long ready = System.nanoTime();
            System.out.printf(Locale.ROOT, "restored from the changelogs and ready in %.1f s (%,.0f MB/s of state)%n",
                    (ready - start) / 1e9, projectionsBytes / 1e6 / ((ready - start) / 1e9));
            client.stop();
        }
    }

    private static ContentResponse get(final HttpClient client, final String url) throws Exception {
        final ContentResponse response = client.newRequest(url).timeout(60, TimeUnit.SECONDS).send();
        if (response.getStatus() != 200) {
            throw new IllegalStateException(url + " answered " + response.getStatus() + ": " + response.getContentAsString());
        }
        return response;
    }

    private static ContentResponse post(final HttpClient client, final String url, final String body, final String type) {
        try {
            final ContentResponse response = client.POST(url).timeout(120, TimeUnit.SECONDS)
                    .body(new StringRequestContent(type, body, StandardCharsets.UTF_8)).send();
            if (response.getStatus() / 100 != 2) {
                throw new IllegalStateException(url + " answered " + response.getStatus() + ": " + response.getContentAsString());
            }
            return response;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(final String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
