package io.sessionlog.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.sessionlog.processor.ProcessorConfig;
import io.sessionlog.processor.ProcessorService;
import io.sessionlog.schemas.TopicProvisioner;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.WriteIntent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Session expiry at scale: {@code --sessions} sessions of one event each are stamped, then left idle past
 * {@code sessions.ttl.ms} while live sessions keep receiving {@code --rate} events a second. Prints how long the
 * expiry of every idle session took (the tombstones on {@code events}) and the live events' latency from
 * {@code events.raw} to {@code events} before and during it, per 5-second window.
 */
@Command(name = "expiry", mixinStandardHelpOptions = true,
        description = "Expire idle sessions (sessions.ttl.ms) while live sessions keep being stamped; prints both.")
final class ExpiryBenchmark implements Callable<Integer> {

    private static final String APPLICATION_ID = "expiry-processor";
    private static final int LIVE_SESSIONS = 1_000;

    @Option(names = "--sessions", defaultValue = "1000000", description = "Idle sessions to expire (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--ttl-seconds", defaultValue = "60", description = "sessions.ttl.ms, in seconds (default: ${DEFAULT-VALUE}).")
    int ttlSeconds;

    @Option(names = "--rate", defaultValue = "5000", description = "Events/s on the live sessions throughout (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = {"-D", "--set"}, description = "A processor setting, e.g. -D processor.expiry.step.sessions=2000.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--data-dir", defaultValue = "target/bench-expiry", description = "Folder for the broker and the state (wiped first).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(dataDir)) {
            final String bootstrap = cluster.bootstrapServers();
            final Topics topics = new Topics("expiry.");
            TopicProvisioner.ensureTopics(Map.of("bootstrap.servers", bootstrap), topics, 6, (short) 1);
            final Map<String, Object> serde = Map.of("schema.registry.url", cluster.registryUrl());
            final Map<String, String> settings = new HashMap<>(Map.of("kafka.bootstrap.servers", bootstrap,
                    "schema.registry.url", cluster.registryUrl(), "topic.prefix", "expiry.", ProcessorConfig.APPLICATION_ID, APPLICATION_ID,
                    ProcessorConfig.STATE_DIR, dataDir.resolve("state").toString(),
                    ProcessorConfig.SESSIONS_TTL_MS, String.valueOf(ttlSeconds * 1000L)));
            settings.putAll(overrides);
            final ProcessorConfig config = new ProcessorConfig(settings);
            System.out.printf(Locale.ROOT, "expiry benchmark: %,d idle sessions of one event, ttl %d s, %,d events/s on %,d live sessions, "
                    + "6 partitions, %d stream threads, %d sessions examined per step%n", sessions, ttlSeconds, rate, LIVE_SESSIONS,
                    config.getInt(ProcessorConfig.THREADS), config.getInt(ProcessorConfig.EXPIRY_STEP_SESSIONS));
            try (ProcessorService processor = new ProcessorService(config);
                 KafkaConsumer<String, byte[]> events = consumer(bootstrap, topics.events())) {
                processor.start();
                writeIdle(bootstrap, serde, topics.raw());
                final ConsumerLag lag = new ConsumerLag(cluster.admin);
                org.awaitility.Awaitility.await("idle sessions stamped").atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> lag.committed(APPLICATION_ID) >= sessions);
                final long idleWritten = System.nanoTime();
                System.out.printf(Locale.ROOT, "  %,d idle sessions stamped; live load starts%n", sessions);
                final AtomicReference<Exception> failed = new AtomicReference<>();
                final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
                final Thread live = liveLoad(bootstrap, serde, topics.raw(), failed, running);
                measure(events, idleWritten);
                running.set(false);
                live.join();
                RawIntents.requireAllWritten(failed);
            }
        }
        return 0;
    }

    private void writeIdle(final String bootstrap, final Map<String, Object> serde, final String raw) {
        final AtomicReference<Exception> failed = new AtomicReference<>();
        try (KafkaProducer<String, WriteIntent> producer = RawIntents.producer(bootstrap, serde)) {
            for (int n = 0; n < sessions; n++) {
                final String session = "idle-" + n;
                RawIntents.send(producer, new ProducerRecord<>(raw, session, RawIntents.appended(session, n)), failed);
                if ((n + 1) % 250_000 == 0) {
                    System.out.printf(Locale.ROOT, "  written %,d of %,d idle sessions%n", n + 1, sessions);
                }
            }
            producer.flush();
        }
        RawIntents.requireAllWritten(failed);
    }

    /** Events round-robin over the live sessions at the rate, while {@code running}. */
    private Thread liveLoad(final String bootstrap, final Map<String, Object> serde, final String raw, final AtomicReference<Exception> failed,
                            final java.util.concurrent.atomic.AtomicBoolean running) {
        final Thread thread = new Thread(() -> {
            try (KafkaProducer<String, WriteIntent> producer = RawIntents.producer(bootstrap, serde)) {
                final long start = System.nanoTime();
                for (int i = 0; running.get(); i++) {
                    LockSupport.parkNanos(start + (long) (i * 1e9 / rate) - System.nanoTime());
                    final String session = "live-" + (i % LIVE_SESSIONS);
                    RawIntents.send(producer, new ProducerRecord<>(raw, session, RawIntents.appended(session, sessions + i)), failed);
                }
            }
        }, "live-load");
        thread.start();
        return thread;
    }

    /**
     * Reads {@code events} until a tombstone for every idle session arrived; per 5-second window prints the tombstones
     * and the live events' latency (their raw record's time to now), and at the end how long the expiry took.
     */
    private void measure(final KafkaConsumer<String, byte[]> events, final long idleWritten) {
        long expired = 0;
        long firstTombstone = 0;
        long windowStart = System.nanoTime();
        long windowTombstones = 0;
        int windows = 0;
        final List<Long> windowLatencies = new ArrayList<>();
        final List<Long> expiryLatencies = new ArrayList<>();
        final List<Long> quietLatencies = new ArrayList<>();
        while (expired < sessions) {
            for (final ConsumerRecord<String, byte[]> record : events.poll(Duration.ofMillis(200))) {
                if (record.value() == null) {
                    expired++;
                    windowTombstones++;
                    if (firstTombstone == 0) {
                        firstTombstone = System.nanoTime();
                    }
                } else if (record.key().startsWith("live-")) {
                    windowLatencies.add(System.currentTimeMillis() - record.timestamp());
                }
            }
            if (System.nanoTime() - windowStart >= 5_000_000_000L) {
                windowLatencies.sort(Long::compare);
                System.out.printf(Locale.ROOT, "  %5.0f s: %,7d sessions expired (%,d in all); live events %,d, raw → events p50 %d ms, p99 %d ms%n",
                        (System.nanoTime() - idleWritten) / 1e9, windowTombstones, expired, windowLatencies.size(),
                        percentile(windowLatencies, 0.50), percentile(windowLatencies, 0.99));
                // The first window holds the live load's start (producer and JIT warm-up): left out of the summary.
                if (windowTombstones > 0) {
                    expiryLatencies.addAll(windowLatencies);
                } else if (windows > 0) {
                    quietLatencies.addAll(windowLatencies);
                }
                windows++;
                windowLatencies.clear();
                windowTombstones = 0;
                windowStart = System.nanoTime();
            }
        }
        final double seconds = (System.nanoTime() - firstTombstone) / 1e9;
        expiryLatencies.sort(Long::compare);
        quietLatencies.sort(Long::compare);
        System.out.printf(Locale.ROOT, "expired %,d idle sessions in %.1f s from the first to the last (%,.0f sessions/s); "
                        + "live events raw → events p99 %d ms while expiring, %d ms before (after the first 5 s)%n", expired, seconds, expired / seconds,
                percentile(expiryLatencies, 0.99), percentile(quietLatencies, 0.99));
    }

    private static long percentile(final List<Long> sorted, final double p) {
        return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * p)));
    }

    private static KafkaConsumer<String, byte[]> consumer(final String bootstrap, final String topic) throws Exception {
        final KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", "read_committed", "max.poll.records", 10_000), new StringDeserializer(), new ByteArrayDeserializer());
        final List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < 6; p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }
}
