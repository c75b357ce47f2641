package io.sessionlog.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.sessionlog.app.AppConfig;
import io.sessionlog.processor.ProcessorConfig;
import io.sessionlog.schemas.TopicProvisioner;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.WriteIntent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How long the sessions of a processor instance killed with SIGKILL go unstamped: two processor instances in JVMs of
 * their own share the raw topic's partitions, under a steady load on every partition; one is killed, and the time
 * from the kill to the first stamped record of every partition on the survivor is printed, without and with a
 * standby copy of the stores ({@code processor.standby.replicas}).
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
        description = "Time from kill -9 of a processor instance to its partitions stamped by the other, without and with standbys.")
final class FailoverBenchmark implements Callable<Integer> {

    private static final int PARTITIONS = 6;

    @Option(names = "--events", defaultValue = "300000", description = "Events stamped before the kill: the state taken over (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--sessions", defaultValue = "30000", description = "Sessions they spread over (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--rate", defaultValue = "2000", description = "Events/s of steady load around the kill (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--standbys", defaultValue = "0,1", split = ",", description = "processor.standby.replicas of each run (default: ${DEFAULT-VALUE}).")
    List<Integer> standbys;

    @Option(names = {"-D", "--set"}, description = "A processor setting for both instances, e.g. -D kafka.consumer.session.timeout.ms=6000.")
    Map<String, String> overrides = new HashMap<>();

    @Option(names = "--data-dir", defaultValue = "target/bench-failover", description = "Folder for the broker, the instances and their logs (wiped first).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(dataDir)) {
            System.out.printf(Locale.ROOT, "failover benchmark: two processor instances (JVMs of their own), %,d events over %,d sessions "
                    + "stamped first, then %,d events/s on %d partitions while one instance is killed with SIGKILL%n", events, sessions, rate, PARTITIONS);
            for (final int standby : standbys) {
                run(cluster.bootstrapServers(), cluster.registryUrl(), new ConsumerLag(cluster.admin), standby);
            }
        }
        return 0;
    }

    private void run(final String bootstrap, final String registryUrl, final ConsumerLag lag, final int standby) throws Exception {
        final String prefix = "failover" + standby + ".";
        final Topics topics = new Topics(prefix);
        TopicProvisioner.ensureTopics(Map.of("bootstrap.servers", bootstrap), topics, PARTITIONS, (short) 1);
        final Map<String, Object> serde = Map.of("schema.registry.url", registryUrl);
        final AtomicReference<Exception> failed = new AtomicReference<>();
        try (KafkaProducer<String, WriteIntent> producer = RawIntents.producer(bootstrap, serde)) {
            for (int i = 0; i < events; i++) {
                final String session = "s-" + (i % sessions);
                RawIntents.send(producer, new ProducerRecord<>(topics.raw(), session, RawIntents.appended(session, i)), failed);
            }
            producer.flush();
        }
        RawIntents.requireAllWritten(failed);
        final Map<String, String> settings = new HashMap<>(Map.of("kafka.bootstrap.servers", bootstrap, "schema.registry.url", registryUrl,
                AppConfig.ROLES, "processor", AppConfig.HTTP_PORT, "0", "topic.prefix", prefix,
                ProcessorConfig.APPLICATION_ID, prefix + "processor", ProcessorConfig.STANDBY_REPLICAS, String.valueOf(standby)));
        settings.putAll(overrides);
        final List<Process> instances = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                final Map<String, String> own = new HashMap<>(settings);
                own.put(AppConfig.DATA_DIR, dataDir.resolve(prefix + "instance-" + i).toString());
                instances.add(ForkedSessionlog.start(own, dataDir.resolve(prefix + "instance-" + i + ".log")));
            }
            final long loading = System.nanoTime();
            Awaitility.await("the state stamped").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> lag.committed(prefix + "processor") >= events);
            System.out.printf(Locale.ROOT, "standby replicas %d: %,d events stamped by the two instances in %.1f s%n", standby, events,
                    (System.nanoTime() - loading) / 1e9);
            if (standby > 0) {
                // A standby replays the changelogs behind the active copy; give it time to catch up, as in a running cluster.
                TimeUnit.SECONDS.sleep(15);
            }
            final Arrivals arrivals = new Arrivals(bootstrap, topics.events());
            final SteadyRawLoad load = new SteadyRawLoad(bootstrap, serde, topics.raw(), events, sessions, rate);
            try (arrivals; load) {
                Awaitility.await("every partition stamping").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> arrivals.allSince(System.currentTimeMillis() - 1000));
                final long killedAt = System.currentTimeMillis();
                instances.get(0).destroyForcibly();
                // A transaction the killed instance committed just before it died is seen within a commit interval
                // and a poll: only later records show a partition stamping again.
                final long after = killedAt + 200;
                Awaitility.await("every partition stamping again").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50))
                        .until(() -> arrivals.allSince(after));
                final List<Long> gaps = arrivals.firstAfter(after).stream().map(at -> at - killedAt).sorted().toList();
                System.out.printf(Locale.ROOT, "standby replicas %d: kill -9 → every partition stamped again after %,d ms "
                        + "(partition by partition, ms: %s)%n", standby, gaps.get(gaps.size() - 1), gaps);
            }
        } finally {
            instances.forEach(Process::destroyForcibly);
            for (final Process instance : instances) {
                instance.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** When each partition of the events topic last showed a committed record, as a read_committed consumer sees it. */
    private static final class Arrivals implements AutoCloseable {
        private final Map<Integer, List<Long>> seen = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Arrivals(final String bootstrap, final String topic) {
            thread = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                        "isolation.level", "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                    final List<TopicPartition> partitions = new ArrayList<>();
                    for (int p = 0; p < PARTITIONS; p++) {
                        partitions.add(new TopicPartition(topic, p));
                    }
                    consumer.assign(partitions);
                    consumer.seekToEnd(partitions);
                    while (running.get()) {
                        final long now = System.currentTimeMillis();
                        for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                            final List<Long> times = seen.computeIfAbsent(record.partition(), p -> new java.util.concurrent.CopyOnWriteArrayList<>());
                            if (times.isEmpty() || times.get(times.size() - 1) != now) {
                                times.add(now);
                            }
                        }
                    }
                }
            }, "failover-arrivals");
            thread.start();
        }

        /** Whether every partition showed a record at or after {@code since}. */
        boolean allSince(final long since) {
            return firstAfter(since).size() == PARTITIONS;
        }

        /** Per partition that has one, the first arrival at or after {@code since}. */
        List<Long> firstAfter(final long since) {
            final List<Long> first = new ArrayList<>();
            seen.values().forEach(times -> times.stream().filter(t -> t >= since).findFirst().ifPresent(first::add));
            return first;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }
}
