package io.sessionlog.benchmarks.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.sessionlog.app.AppConfig;
import io.sessionlog.app.Sessionlog;
import io.sessionlog.benchmarks.ForkedSessionlog;
import io.sessionlog.testsupport.ForkedKafkaCluster;
import io.sessionlog.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The chaos program: a three-node Kafka cluster and two processor instances, each in a JVM of its own, under steady
 * HTTP load (ChaosLoad) while a broker or a processor instance is killed with SIGKILL every few seconds and started
 * again. At the end it prints how many acknowledged events were lost, duplicated or left a gap (goal: all zero) and
 * the longest time one request waited for its acknowledgement.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Kill brokers and processor instances under load; print lost, duplicated and gapped counts and stalls.")
public final class ChaosCommand implements Callable<Integer> {

    @Option(names = "--minutes", description = "How long the kills go on (default: ${DEFAULT-VALUE}).", defaultValue = "5")
    int minutes;

    @Option(names = "--kill-every-seconds", description = "Seconds between two kills (default: ${DEFAULT-VALUE}).", defaultValue = "20")
    int killEverySeconds;

    @Option(names = "--down-seconds", description = "How long a killed process stays down (default: ${DEFAULT-VALUE}).", defaultValue = "8")
    int downSeconds;

    @Option(names = "--sessions", description = "Sessions the clients write to (default: ${DEFAULT-VALUE}).", defaultValue = "500")
    int sessions;

    @Option(names = "--clients", description = "Concurrent clients (default: ${DEFAULT-VALUE}).", defaultValue = "4")
    int clients;

    @Option(names = "--seed", description = "Seed of the load and of the choice of victims (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    long seed;

    @Option(names = "--dir", description = "Working folder, wiped first (default: ${DEFAULT-VALUE}).", defaultValue = "target/chaos")
    Path dir;

    @Override
    public Integer call() throws Exception {
        wipe(dir);
        final String prefix = "chaos.";
        final Random random = new Random(seed);
        try (ForkedKafkaCluster cluster = ForkedKafkaCluster.start(dir.resolve("kafka"), 3,
                Map.of("broker.session.timeout.ms", "3000", "broker.heartbeat.interval.ms", "500"), Duration.ofSeconds(120))) {
            final Map<String, String> settings = joining(cluster, prefix, dir.resolve("app"), "ingest,registry");
            try (Sessionlog app = Sessionlog.start(settings)) {
                final Map<String, String> processor = new HashMap<>(settings);
                processor.put(AppConfig.ROLES, "processor");
                processor.put("schema.registry.url", app.registryUrl().orElseThrow());
                processor.put("kafka.consumer.session.timeout.ms", "6000");
                final List<Process> processors = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    processors.add(startProcessor(processor, i));
                }
                final ChaosLoad load = new ChaosLoad(app.httpUrl(), sessions, clients, seed);
                load.start();
                final long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
                int round = 0;
                while (System.nanoTime() < end) {
                    Thread.sleep(TimeUnit.SECONDS.toMillis(killEverySeconds));
                    load.throwIfFailed();
                    round++;
                    if (random.nextBoolean()) {
                        final int node = random.nextInt(cluster.nodeCount());
                        cluster.kill(node);
                        System.out.printf("round %d: killed broker %d; %,d acknowledged so far, longest stall %,d ms%n",
                                round, node + 1, load.acknowledged(), load.longestStall().toMillis());
                        Thread.sleep(TimeUnit.SECONDS.toMillis(downSeconds));
                        cluster.restart(node, Duration.ofSeconds(120));
                    } else {
                        final int instance = random.nextInt(processors.size());
                        processors.get(instance).destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                        System.out.printf("round %d: killed processor %d; %,d acknowledged so far, longest stall %,d ms%n",
                                round, instance + 1, load.acknowledged(), load.longestStall().toMillis());
                        Thread.sleep(TimeUnit.SECONDS.toMillis(downSeconds));
                        processors.set(instance, startProcessor(processor, instance));
                    }
                }
                load.stop();
                System.out.println("kills done; waiting for every acknowledged event to be stamped");
                final ChaosLoad.Outcome outcome = load.verify(cluster.bootstrapServers(), new Topics(prefix).events(),
                        app.registryUrl().orElseThrow(), Duration.ofMinutes(5));
                processors.forEach(Process::destroyForcibly);
                System.out.println("chaos: " + round + " kills in " + minutes + " min: " + outcome);
                outcome.lost().forEach(id -> System.out.println("  lost " + id));
                outcome.duplicated().forEach(id -> System.out.println("  duplicated " + id));
                outcome.gapped().forEach(s -> System.out.println("  gapped " + s));
                return outcome.lostCount() + outcome.duplicatedCount() + outcome.gappedCount() == 0 ? 0 : 1;
            }
        }
    }

    /** Settings of a sessionlog running {@code roles} on the chaos cluster: replication 3, ports picked at start. */
    static Map<String, String> joining(final ForkedKafkaCluster cluster, final String prefix, final Path dataDir,
                                       final String roles) {
        final Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", cluster.bootstrapServers());
        settings.put(AppConfig.ROLES, roles);
        settings.put(AppConfig.HTTP_PORT, "0");
        settings.put("registry.port", "0");
        settings.put(AppConfig.DATA_DIR, dataDir.toString());
        settings.put("topic.prefix", prefix);
        settings.put("topic.replication.factor", "3");
        // A transaction whose coordinator died is aborted after this, so its successor does not wait a minute for it.
        settings.put("kafka.producer.transaction.timeout.ms", "10000");
        return settings;
    }

    private Process startProcessor(final Map<String, String> settings, final int instance) throws IOException {
        final Map<String, String> own = new HashMap<>(settings);
        own.put(AppConfig.DATA_DIR, dir.resolve("processor-" + instance).toString());
        return ForkedSessionlog.start(own, dir.resolve("processor-" + instance + ".log"));
    }

    private static void wipe(final Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
    }
}
