package io.sessionlog.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.sessionlog.processor.ProcessorConfig;
import io.sessionlog.processor.ProcessorService;
import io.sessionlog.schemas.TopicProvisioner;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.WriteIntent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The processor's recovery as its state grows: stamps {@code --events} over {@code --sessions}, then prints its state
 * on disk store by store, how long it takes to stamp again after a restart with its state kept and after its local
 * state is deleted (restored from the changelogs), and how fast it catches up after being stopped under load; with
 * {@code --projections}, the projections' load, state and restore on the same events ({@link ProjectionsRecovery}).
 */
@Command(name = "recovery", mixinStandardHelpOptions = true,
        description = "Processor state size, restart and restore times, and catch-up rate after a stop under load.")
final class RecoveryBenchmark implements Callable<Integer> {

    private static final String APPLICATION_ID = "recovery-processor";
    private static final int PROBES = 600;

    @Option(names = "--events", defaultValue = "10000000", description = "Events stamped first (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--sessions", defaultValue = "1000000", description = "Sessions they spread over (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--rate", defaultValue = "5000", description = "Events/s of ingest while the processor is stopped and catching up (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--stopped-seconds", defaultValue = "300", description = "How long the processor stays stopped under that ingest (default: ${DEFAULT-VALUE}).")
    int stoppedSeconds;

    @Option(names = "--projections", description = "Also load the stamped events into the projections, then time "
            + "their restore from the changelogs (at 10,000,000 events the run needs about 40 GB of disk).")
    boolean projections;

    @Option(names = {"-D", "--set"}, description = "A processor setting, e.g. -D processor.standby.replicas=1.")
    Map<String, String> overrides = new HashMap<>();

    @Option(names = "--data-dir", defaultValue = "target/bench-recovery", description = "Folder for the broker and the state (wiped first).")
    Path dataDir;

    private long written;

    @Override
    public Integer call() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(dataDir)) {
            final String bootstrap = cluster.bootstrapServers();
            final Topics topics = new Topics("recovery.");
            TopicProvisioner.ensureTopics(Map.of("bootstrap.servers", bootstrap), topics, 6, (short) 1);
            final Map<String, Object> serde = Map.of("schema.registry.url", cluster.registryUrl());
            final Map<String, String> settings = new HashMap<>(Map.of("kafka.bootstrap.servers", bootstrap,
                    "schema.registry.url", cluster.registryUrl(), "topic.prefix", "recovery.", ProcessorConfig.APPLICATION_ID, APPLICATION_ID,
                    ProcessorConfig.STATE_DIR, dataDir.resolve("state").toString()));
            settings.putAll(overrides);
            final ProcessorConfig config = new ProcessorConfig(settings);
            final ConsumerLag lag = new ConsumerLag(cluster.admin);
            System.out.printf(Locale.ROOT, "recovery benchmark: %,d events over %,d sessions, 6 partitions, %d stream threads%n",
                    events, sessions, config.getInt(ProcessorConfig.THREADS));

            write(bootstrap, serde, topics.raw(), events, true);
            try (ProcessorService processor = new ProcessorService(config)) {
                processor.start();
                final long[] printed = {0};
                final double perSecond = lag.throughput(APPLICATION_ID, written, done -> {
                    // One line per million stamped.
                    if (done / 1_000_000 > printed[0]) {
                        printed[0] = done / 1_000_000;
                        System.out.printf(Locale.ROOT, "  stamped %,d of %,d%n", done, written);
                    }
                });
                System.out.printf(Locale.ROOT, "stamped %,d events: %,.0f events/s%n", written, perSecond);
            }
            final long stateBytes = printState();
            if (projections) {
                new ProjectionsRecovery(cluster, topics, dataDir.resolve("projections-state"), lag).run(written);
            }

            System.out.println("restart with the local state kept:");
            stampAgain(config, lag, bootstrap, serde, topics.raw(), stateBytes, false);
            Folders.delete(dataDir.resolve("state").resolve(APPLICATION_ID));
            System.out.printf(Locale.ROOT, "restart with the local state deleted (%,.0f MB), restored from the changelogs:%n", stateBytes / 1e6);
            stampAgain(config, lag, bootstrap, serde, topics.raw(), stateBytes, true);

            catchUp(config, lag, bootstrap, serde, topics.raw());
        }
        return 0;
    }

    /** Starts the processor and times it until it stamped probe events written to every partition after its start. */
    private void stampAgain(final ProcessorConfig config, final ConsumerLag lag, final String bootstrap, final Map<String, Object> serde,
                            final String raw, final long stateBytes, final boolean restored) throws Exception {
        final long start = System.nanoTime();
        try (ProcessorService processor = new ProcessorService(config)) {
            processor.start();
            write(bootstrap, serde, raw, PROBES, false);
            Awaitility.await("probes stamped").atMost(Duration.ofHours(1)).pollInterval(Duration.ofMillis(100))
                    .until(() -> lag.committed(APPLICATION_ID) >= written);
            final double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "  start → new events stamped on every partition: %.1f s%s%n", seconds,
                    restored ? String.format(Locale.ROOT, " (%,.0f MB/s of state)", stateBytes / 1e6 / seconds) : "");
        }
    }

    /** Ingest goes on while the processor is stopped; then it starts and catches up while ingest still goes on. */
    private void catchUp(final ProcessorConfig config, final ConsumerLag lag, final String bootstrap, final Map<String, Object> serde,
                         final String raw) throws Exception {
        System.out.printf(Locale.ROOT, "processor stopped for %d s under %,d events/s of ingest%n", stoppedSeconds, rate);
        try (SteadyRawLoad load = new SteadyRawLoad(bootstrap, serde, raw, (int) written, sessions, rate)) {
            for (int left = stoppedSeconds; left > 0; left -= 30) {
                System.out.printf(Locale.ROOT, "  stopped: %d s left, %,d events waiting%n", left, load.sent());
                TimeUnit.SECONDS.sleep(Math.min(30, left));
            }
            final long before = lag.committed(APPLICATION_ID);
            final long waiting = written + load.sent() - before;
            final long start = System.nanoTime();
            try (ProcessorService processor = new ProcessorService(config)) {
                processor.start();
                Awaitility.await("caught up").atMost(Duration.ofHours(1)).pollInterval(Duration.ofMillis(200))
                        .until(() -> lag.committed(APPLICATION_ID) >= written + load.sent() - rate / 10);
                final double seconds = (System.nanoTime() - start) / 1e9;
                final long done = lag.committed(APPLICATION_ID) - before;
                System.out.printf(Locale.ROOT, "caught up with %,d waiting events (and %,d more meanwhile) in %.1f s: %,.0f events/s%n",
                        waiting, done - waiting, seconds, done / seconds);
            }
        }
    }

    private void write(final String bootstrap, final Map<String, Object> serde, final String raw, final int count,
                       final boolean progress) {
        final AtomicReference<Exception> failed = new AtomicReference<>();
        try (KafkaProducer<String, WriteIntent> producer = RawIntents.producer(bootstrap, serde)) {
            for (int i = 0; i < count; i++) {
                final int n = (int) written + i;
                final String session = "s-" + (n % sessions);
                RawIntents.send(producer, new ProducerRecord<>(raw, session, RawIntents.appended(session, n)), failed);
                if (progress && (i + 1) % 1_000_000 == 0) {
                    System.out.printf(Locale.ROOT, "  written %,d of %,d raw events%n", i + 1, count);
                }
            }
            producer.flush();
        }
        RawIntents.requireAllWritten(failed);
        written += count;
    }

    private long printState() throws Exception {
        System.out.printf(Locale.ROOT, "state on disk after a clean close, %,d events:%n", written);
        long total = 0;
        for (final Map.Entry<String, Long> store : StateSizes.of(dataDir.resolve("state")).entrySet()) {
            System.out.printf(Locale.ROOT, "  state %-50s %,10.1f MB, %,8.1f MB per million events%n", store.getKey(),
                    store.getValue() / 1e6, store.getValue() / 1e6 * 1_000_000 / written);
            total += store.getValue();
        }
        return total;
    }
}
