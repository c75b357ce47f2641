package io.sessionlog.benchmarks;

import java.io.BufferedWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.sessionlog.app.Sessionlog;
import io.sessionlog.app.load.LoadCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * HTTP ingest on the embedded broker: single-event requests and 100-event batches from {@code --clients} concurrent
 * clients, then both at half the goal rates for request latency, then the bulk loader. Only the ingest role runs
 * (with the embedded broker and registry), so the figures are ingest's, not shared with the processor.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, description = "HTTP ingest and bulk-load throughput and latency.")
final class IngestBenchmark implements Callable<Integer> {

    private static final int SESSIONS = 1_000;

    @Option(names = "--clients", defaultValue = "32", description = "Concurrent HTTP clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--seconds", defaultValue = "20", description = "Length of each measured phase (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warm-up-seconds", defaultValue = "5", description = "Load before the first measured phase, for the JIT (default: ${DEFAULT-VALUE}).")
    int warmUpSeconds;

    @Option(names = "--bulk-lines", defaultValue = "300000", description = "Lines of the bulk-load file (default: ${DEFAULT-VALUE}).")
    int bulkLines;

    @Option(names = {"-D", "--set"}, description = "A sessionlog setting for the run, e.g. -D ingest.linger.ms=1.")
    Map<String, String> settings = new java.util.LinkedHashMap<>();

    @Option(names = "--only", description = "Run only this phase: single, batch, half, bulk.")
    String only;

    @Option(names = "--data-dir", defaultValue = "target/bench-ingest", description = "Folder for the broker (wiped first).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        final Map<String, String> config = new java.util.HashMap<>(Map.of("roles", "ingest"));
        config.putAll(settings);
        try (Sessionlog app = EmbeddedRun.start(dataDir, config)) {
            final LoadGenerator load = new LoadGenerator(clients);
            System.out.printf("sessionlog ingest benchmark: %d clients, %d s per phase, %d cores%n", clients, seconds,
                    Runtime.getRuntime().availableProcessors());
            load.run(uri(app, "warm-up"), clients, Duration.ofSeconds(warmUpSeconds), 0, n -> Events.syllable(n, "batch".equals(only) ? 100 : 1));
            if (runs("single")) {
                final MachineUse use = MachineUse.start();
                print("single-event requests, max rate", load.run(uri(app, "single"), clients, Duration.ofSeconds(seconds), 0,
                        n -> Events.syllable(n, 1)), 1, use);
            }
            if (runs("batch")) {
                final MachineUse use = MachineUse.start();
                print("100-event batches, max rate", load.run(uri(app, "batch"), clients, Duration.ofSeconds(seconds), 0,
                        n -> Events.syllable(n, 100)), 100, use);
            }
            if (runs("half")) {
                print("single-event requests at 2,500 req/s", load.run(uri(app, "single-half"), clients,
                        Duration.ofSeconds(seconds), 2_500, n -> Events.syllable(n, 1)), 1);
                print("100-event batches at 25,000 events/s", load.run(uri(app, "batch-half"), clients,
                        Duration.ofSeconds(seconds), 250, n -> Events.syllable(n, 100)), 100);
            }
            load.stop();
            if (runs("bulk")) {
                bulk(app);
            }
        }
        return 0;
    }

    private boolean runs(final String phase) {
        return only == null || only.equals(phase);
    }

    private void bulk(final Sessionlog app) throws Exception {
        final Path file = dataDir.resolve("bulk.ndjson");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < bulkLines; i++) {
                out.write(Events.syllableLine(i, SESSIONS));
                out.newLine();
            }
        }
        System.out.printf("%nbulk loader: %,d Syllable lines (%,d bytes), sessionlog load --batch-lines 1000%n",
                bulkLines, Files.size(file));
        final long start = System.nanoTime();
        final int exit = new CommandLine(new LoadCommand()).execute(file.toString(), "--format", "Y", "--url", app.httpUrl());
        final double took = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "bulk loader: exit %d, %,.0f lines/s%n", exit, bulkLines / took);
    }

    private static URI uri(final Sessionlog app, final String phase) {
        return URI.create(app.httpUrl() + "/v1/syllable/events?phase=" + phase);
    }

    /** {@link #print(String, LoadGenerator.Result, int)}, then the process's CPU time per event over the phase. */
    private static void print(final String phase, final LoadGenerator.Result result, final int eventsPerRequest, final MachineUse use) {
        print(phase, result, eventsPerRequest);
        System.out.printf(Locale.ROOT, "%-40s %,9.1f µs of CPU per event (broker, ingest and load generator together); %s%n", "",
                use.cpuMicrosPer((result.requests() - result.failures()) * eventsPerRequest), use.summary());
    }

    private static void print(final String phase, final LoadGenerator.Result result, final int eventsPerRequest) {
        System.out.printf(Locale.ROOT, "%-40s %,9.0f req/s %,10.0f events/s   p50 %6.1f ms   p99 %6.1f ms   max %7.1f ms   failed %d%n",
                phase, result.perSecond(), result.perSecond() * eventsPerRequest, result.p50Micros() / 1000.0,
                result.p99Micros() / 1000.0, result.maxMicros() / 1000.0, result.failures());
    }
}
