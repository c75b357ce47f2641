package io.sessionlog.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;

import io.sessionlog.embedded.EmbeddedKafkaCluster;
import io.sessionlog.processor.ProcessorConfig;
import io.sessionlog.processor.ProcessorService;
import io.sessionlog.registry.SchemaRegistryServer;
import io.sessionlog.schemas.TopicProvisioner;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.serde.SpecificAvroDeserializer;
import io.sessionlog.schemas.serde.SpecificAvroSerializer;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The processor on a real broker: throughput over {@code --events} raw events across {@code --sessions} sessions,
 * beside a trivial one-store Streams app (count per key, exactly-once) over the same records in the same run, which
 * is this machine's ceiling; then the latency from events.raw to events at a steady rate.
 */
@Command(name = "processor", mixinStandardHelpOptions = true, description = "Processor throughput against a count-per-key baseline, and latency.")
final class ProcessorBenchmark implements Callable<Integer> {

    private static final String PROCESSOR_ID = "sessionlog-processor";
    private static final String WARM_UP_PREFIX = "warm-up.";
    private static final String DURABLE_ID = "baseline-durable";
    private static final String BURSTY_PREFIX = "bursty.";
    /** Kafka Streams' commit interval under exactly-once when none is set, as a user's trivial app runs. */
    private static final long KAFKA_EOS_COMMIT_MS = 100;

    @Option(names = "--events", defaultValue = "1000000", description = "Raw events (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--sessions", defaultValue = "10000", description = "Sessions (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--rate", defaultValue = "10000", description = "Events/s of the latency phase (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--latency-seconds", defaultValue = "30", description = "Length of the latency phase, after its ramp-up (default: ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(names = "--latency-ramp-up-seconds", defaultValue = "5", description = "Seconds at the rate before latency is measured, reported apart (default: ${DEFAULT-VALUE}).")
    int latencyRampUpSeconds;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    /**
     * Each app first runs over the warm-up topic (under an application id of its own), so that the JIT has compiled
     * its code before it is timed: on 2 cores the compiler otherwise takes a good part of a core during the measured
     * run, and most from the app whose code is largest (the processor). After 300,000 events it still compiled 0.9 of a core through the
     * processor's measured run (jstat), which ran at 42,000-56,000 records/s; after 1,200,000, at 0.2 of a core, 67,000.
     */
    @Option(names = "--warm-up-events", defaultValue = "1200000", description = "Raw events each app processes before it is timed (default: ${DEFAULT-VALUE}).")
    int warmUpEvents;

    @Option(names = "--skip-baseline", description = "Measure the processor only (for profiling).")
    boolean skipBaseline;

    @Option(names = "--skip-bursty", description = "Leave out the bursty workload.")
    boolean skipBursty;

    @Option(names = "--bursty-sessions", defaultValue = "100000", description = "Sessions of the bursty workload (default: ${DEFAULT-VALUE}).")
    int burstySessions;

    @Option(names = "--sealed", description = "Write the raw events sealed, as ingest does with privacy.encryption.")
    boolean sealed;

    /** Seals the raw events with --sealed; null otherwise. */
    private io.sessionlog.privacy.Sealer sealer;

    @Option(names = {"-D", "--set"}, description = "A processor setting, e.g. -D processor.commit.interval.ms=200.")
    Map<String, String> overrides = new HashMap<>();

    @Option(names = "--data-dir", defaultValue = "target/bench-processor", description = "Folder for broker and state (wiped first).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        if (sealed) {
            sealer = new io.sessionlog.privacy.Sealer(new InMemoryKeys(), Duration.ofSeconds(10));
            System.out.println("raw events sealed as with privacy.encryption");
        }
        try (LocalCluster cluster = LocalCluster.start(dataDir)) {
            final EmbeddedKafkaCluster kafka = cluster.kafka;
            final SchemaRegistryServer registry = cluster.registry;
            final Admin admin = cluster.admin;
            final Topics topics = new Topics("bench.");
            TopicProvisioner.ensureTopics(Map.of("bootstrap.servers", kafka.bootstrapServers()), topics, partitions, (short) 1);
            final Map<String, Object> serde = Map.of("schema.registry.url", registry.url());
            System.out.printf(Locale.ROOT, "processor benchmark: %,d raw events over %,d sessions, %d partitions, %d cores%n",
                    events, sessions, partitions, Runtime.getRuntime().availableProcessors());
            final Topics warmUp = new Topics(WARM_UP_PREFIX);
            TopicProvisioner.ensureTopics(Map.of("bootstrap.servers", kafka.bootstrapServers()), warmUp, partitions, (short) 1);
            final ProcessorConfig processorConfig = new ProcessorConfig(settings(kafka, registry, ""));
            final int threads = processorConfig.getInt(ProcessorConfig.THREADS);
            final long commitMs = processorConfig.getLong(ProcessorConfig.COMMIT_INTERVAL_MS);
            final Baseline cachedApp = new Baseline(true, KAFKA_EOS_COMMIT_MS);
            final Baseline uncachedApp = new Baseline(false, KAFKA_EOS_COMMIT_MS);
            final Baseline likeForLikeApp = new Baseline(false, commitMs);
            final List<NewTopic> outputs = new ArrayList<>();
            for (final String run : List.of("", WARM_UP_PREFIX)) {
                // A processor at Kafka's interval makes the like-for-like app B itself: one topic each.
                for (final Baseline app : new LinkedHashSet<>(List.of(cachedApp, uncachedApp, likeForLikeApp))) {
                    outputs.add(new NewTopic(app.output(run), partitions, (short) 1));
                }
                outputs.add(new NewTopic(DurableWorkBaseline.eventsOut(run + DURABLE_ID), partitions, (short) 1));
                outputs.add(new NewTopic(DurableWorkBaseline.viewsOut(run + DURABLE_ID), partitions, (short) 1));
            }
            admin.createTopics(outputs).all().get();
            final Workload roundRobin = Workload.roundRobin(sessions);
            produce(kafka.bootstrapServers(), serde, warmUp.raw(), warmUpEvents, 0, roundRobin);
            produce(kafka.bootstrapServers(), serde, topics.raw(), events, 0, roundRobin);
            final ConsumerLag lag = new ConsumerLag(admin);

            System.out.printf(Locale.ROOT, "every app below runs %d stream thread(s), the processor's setting, after every app's warm-up over %,d other events%n",
                    threads, warmUpEvents);
            // Every app warms up before any is timed: warmed one by one, the first apps' measured runs met the JIT
            // still compiling the code the later apps share (up to 0.95 of the 2 cores).
            if (!skipBaseline) {
                for (final Baseline app : new LinkedHashSet<>(List.of(cachedApp, uncachedApp, likeForLikeApp))) {
                    runBaseline(kafka.bootstrapServers(), warmUp.raw(), WARM_UP_PREFIX, warmUpEvents, lag, app, threads);
                }
            }
            try (ProcessorService warming = new ProcessorService(new ProcessorConfig(settings(kafka, registry, WARM_UP_PREFIX)))) {
                warming.start();
                lag.throughput(WARM_UP_PREFIX + PROCESSOR_ID, warmUpEvents, done -> { });
            }
            // Baseline C writes values of the sizes the processor wrote in its warm-up: a stamped event, what it stored of
            // an event (its events store's changelog), a session view.
            final DurableWorkBaseline.Payloads payloads = DurableWorkBaseline.sample(kafka.bootstrapServers(), warmUp.events(),
                    WARM_UP_PREFIX + PROCESSOR_ID + "-" + io.sessionlog.processor.ProcessorNames.EVENTS_STORE + "-changelog", warmUp.sessions());
            final java.util.Properties processorSettings = processorConfig.streamsProperties();
            if (!skipBaseline) {
                DurableWorkBaseline.run(processorSettings, WARM_UP_PREFIX + DURABLE_ID, warmUp.raw(), payloads, warmUpEvents, lag,
                        dataDir.resolve("baseline-state").toString());
            }
            final Throughput cached = skipBaseline ? Throughput.NONE : baseline(kafka.bootstrapServers(), topics.raw(), lag, cachedApp, threads);
            System.out.printf(Locale.ROOT, "baseline A (count per key, DSL default: the cache folds updates, emits per commit): %s%n", cached);
            final Throughput baseline = skipBaseline ? Throughput.NONE : baseline(kafka.bootstrapServers(), topics.raw(), lag, uncachedApp, threads);
            System.out.printf(Locale.ROOT, "baseline B (count per key, every count written and emitted, no cache):            %s%n", baseline);
            // At Kafka's interval the like-for-like app is B itself, already measured.
            final Throughput likeForLike = skipBaseline || likeForLikeApp.equals(uncachedApp) ? baseline
                    : baseline(kafka.bootstrapServers(), topics.raw(), lag, likeForLikeApp, threads);
            System.out.printf(Locale.ROOT, "baseline B at the processor's %d ms commit interval (B commits at Kafka's %d ms):    %s%n",
                    commitMs, KAFKA_EOS_COMMIT_MS, likeForLike);

            final Throughput durable = skipBaseline ? Throughput.NONE : measureAfterQuietJit(() -> DurableWorkBaseline.run(processorSettings,
                    DURABLE_ID, topics.raw(), payloads, events, lag, dataDir.resolve("baseline-state").toString()));
            System.out.printf(Locale.ROOT, "baseline C (the processor's durable work only: a %,d-byte stored event and a %,d-byte view read and written,"
                    + " a %,d-byte event and the view emitted):%n                                                                                  %s%n",
                    payloads.stored().length, payloads.view().length, payloads.event().length, durable);

            Throughput.awaitQuietJit();
            try (ProcessorService processor = new ProcessorService(processorConfig)) {
                processor.start();
                final Throughput stamped = Throughput.measure(() -> lag.throughput(PROCESSOR_ID, events, done -> { }));
                System.out.printf(Locale.ROOT, "sessionlog processor (exactly_once_v2):                                           %s = %.0f%% of C, %.0f%% of B, %.0f%% of B at %d ms, %.0f%% of A%n",
                        stamped, stamped.percentOf(durable), stamped.percentOf(baseline), stamped.percentOf(likeForLike), commitMs, stamped.percentOf(cached));
                printThreadMetrics("stream thread time:", List.of("poll-ratio", "process-ratio", "commit-ratio", "punctuate-ratio"));
                latency(kafka.bootstrapServers(), serde, topics, roundRobin);
                // Kafka's metrics keep the last ~minute: these maxima are the latency phase's.
                printThreadMetrics("stream thread ms, latency phase:", List.of("commit-latency-avg", "commit-latency-max",
                        "poll-latency-max", "process-latency-max"));
            }
            if (!skipBursty) {
                bursty(kafka, registry, serde, lag, uncachedApp, threads);
            }
        }
        return 0;
    }

    /**
     * The bursty workload: B and the processor over the same records, then latency at the same rate; and how many
     * session views each of the processor's commits wrote against the sessions it touched.
     */
    private void bursty(final EmbeddedKafkaCluster kafka, final SchemaRegistryServer registry, final Map<String, Object> serde,
                        final ConsumerLag lag, final Baseline b, final int threads) throws Exception {
        final Topics bursty = new Topics(BURSTY_PREFIX);
        TopicProvisioner.ensureTopics(Map.of("bootstrap.servers", kafka.bootstrapServers()), bursty, partitions, (short) 1);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(b.output(BURSTY_PREFIX), partitions, (short) 1))).all().get();
        }
        final int latencyEvents = rate * (latencyRampUpSeconds + latencySeconds);
        final Workload turns = Workload.bursty(events + latencyEvents, burstySessions, rate, 1);
        System.out.printf(Locale.ROOT, "bursty workload: %,d events in turns of 4-10 events over 1-3 s, %,d sessions drawn by a Zipf law%n",
                events, burstySessions);
        produce(kafka.bootstrapServers(), serde, bursty.raw(), events, 0, turns);
        final Throughput baseline = measureAfterQuietJit(() -> runBaseline(kafka.bootstrapServers(), bursty.raw(), BURSTY_PREFIX, events, lag, b, threads));
        System.out.printf(Locale.ROOT, "baseline B on the bursty records:                                                 %s%n", baseline);
        Throughput.awaitQuietJit();
        try (ProcessorService processor = new ProcessorService(new ProcessorConfig(settings(kafka, registry, BURSTY_PREFIX)))) {
            processor.start();
            final Throughput stamped = Throughput.measure(() -> lag.throughput(BURSTY_PREFIX + PROCESSOR_ID, events, done -> { }));
            System.out.printf(Locale.ROOT, "sessionlog processor on the bursty records:                                       %s = %.0f%% of B%n",
                    stamped, stamped.percentOf(baseline));
            SessionsPerCommit.print(kafka.bootstrapServers(), bursty.sessions());
            latency(kafka.bootstrapServers(), serde, bursty, turns);
        }
    }

    /** The processor's settings; a warm-up run has its own topics, application id and state. */
    private Map<String, String> settings(final EmbeddedKafkaCluster kafka, final SchemaRegistryServer registry, final String run) {
        final Map<String, String> settings = new HashMap<>(Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(),
                "schema.registry.url", registry.url(), "topic.prefix", run.isEmpty() ? "bench." : run,
                ProcessorConfig.APPLICATION_ID, run + PROCESSOR_ID,
                ProcessorConfig.STATE_DIR, dataDir.resolve(run + "state").toString()));
        settings.putAll(overrides);
        return settings;
    }

    /**
     * A baseline app: with or without the record cache, committing every {@code commitMs}. Its application id, in a
     * run ("" measured, or the warm-up), names the cache and a commit interval other than Kafka's; its output adds
     * {@code -out}.
     */
    private record Baseline(boolean cache, long commitMs) {

        String name(final String run) {
            return run + (cache ? "baseline-count-cached" : "baseline-count")
                    + (commitMs == KAFKA_EOS_COMMIT_MS ? "" : "-commit-" + commitMs);
        }

        String output(final String run) {
            return name(run) + "-out";
        }
    }

    /**
     * The trivial one-store app: a count per key, written to an output topic. With the cache (the DSL default) the
     * counts of a commit interval fold into one write per key; without it every record costs one store read, one
     * store write (and its changelog record) and one output record, the least any per-record stamper must do.
     */
    private Throughput baseline(final String bootstrap, final String topic, final ConsumerLag lag,
                                final Baseline app, final int threads) throws Exception {
        return measureAfterQuietJit(() -> runBaseline(bootstrap, topic, "", events, lag, app, threads));
    }

    private static Throughput measureAfterQuietJit(final Callable<Double> run) throws Exception {
        Throughput.awaitQuietJit();
        return Throughput.measure(run);
    }

    /**
     * One app's records per second, with what the JIT compiler took of the machine meanwhile (compile time per
     * second, in cores): on 2 cores a run measured while the JIT still compiles is slower for it, not for the app.
     */
    private record Throughput(double recordsPerSecond, double jitCores) {

        static final Throughput NONE = new Throughput(Double.NaN, Double.NaN);

        static Throughput measure(final Callable<Double> run) throws Exception {
            final var jit = ManagementFactory.getCompilationMXBean();
            final long compiledBefore = jit.getTotalCompilationTime();
            final long start = System.nanoTime();
            final double recordsPerSecond = run.call();
            final double seconds = (System.nanoTime() - start) / 1e9;
            return new Throughput(recordsPerSecond, (jit.getTotalCompilationTime() - compiledBefore) / 1e3 / seconds);
        }

        /** Waits (up to 30 s) until the JIT compiled less than 5% of the time for 3 s: its queue from the warm-ups drained. */
        static void awaitQuietJit() throws InterruptedException {
            final var jit = ManagementFactory.getCompilationMXBean();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int quietSeconds = 0;
            while (quietSeconds < 3 && System.nanoTime() < deadline) {
                final long before = jit.getTotalCompilationTime();
                Thread.sleep(1000);
                quietSeconds = jit.getTotalCompilationTime() - before < 50 ? quietSeconds + 1 : 0;
            }
        }

        double percentOf(final Throughput other) {
            return 100 * recordsPerSecond / other.recordsPerSecond;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,10.0f records/s (JIT compiling meanwhile: %.2f cores)", recordsPerSecond, jitCores);
        }
    }

    /** One run of a baseline app over {@code total} records of {@code topic}: its records per second. */
    private double runBaseline(final String bootstrap, final String topic, final String run, final int total,
                            final ConsumerLag lag, final Baseline app, final int threads) throws Exception {
        final String name = app.name(run);
        final StreamsBuilder builder = new StreamsBuilder();
        final var store = Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(name + "-store")
                .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long());
        builder.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(name + "-source"))
                .groupByKey(Grouped.as(name + "-group"))
                .count(app.cache() ? store : store.withCachingDisabled())
                .toStream()
                .to(app.output(run), Produced.with(Serdes.String(), Serdes.Long()));
        final Properties props = new Properties();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, name);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, app.commitMs());
        props.put(StreamsConfig.STATE_DIR_CONFIG, dataDir.resolve("baseline-state").toString());
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            return lag.throughput(name, total, done -> { });
        }
    }

    /** Kafka Streams' own metrics of the processor's stream threads (where their time went), read over JMX. */
    private static void printThreadMetrics(final String title, final List<String> metrics) throws Exception {
        final var server = ManagementFactory.getPlatformMBeanServer();
        for (final var name : server.queryNames(new ObjectName("kafka.streams:type=stream-thread-metrics,thread-id=sessionlog-processor*"), null)) {
            final StringBuilder line = new StringBuilder("  ").append(title);
            for (final String metric : metrics) {
                line.append(String.format(Locale.ROOT, " %s %.2f", metric, ((Number) server.getAttribute(name, metric)).doubleValue()));
            }
            System.out.println(line);
        }
    }

    /**
     * Events at a steady rate; each one's latency is from its raw record's timestamp to its stamped record's arrival.
     * The first {@code --latency-ramp-up-seconds} are measured apart: the phase starts right after the processor
     * worked through the throughput phase's backlog, and the load producer starts cold.
     */
    private void latency(final String bootstrap, final Map<String, Object> serde, final Topics topics, final Workload workload) throws Exception {
        final Histogram rampUp = new Histogram(3);
        final Histogram histogram = new Histogram(3);
        final Histogram toStamp = new Histogram(3);
        final Histogram toVisible = new Histogram(3);
        final Map<Long, Long> slowestPerSecond = new java.util.TreeMap<>();
        final SpecificAvroDeserializer<StampedEvent> stampedReader = new SpecificAvroDeserializer<>(StampedEvent.class);
        stampedReader.configure(serde, false);
        final var values = new ByteArrayDeserializer();
        final long total = (long) rate * (latencyRampUpSeconds + latencySeconds);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.GROUP_ID_CONFIG, "latency-probe",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"), values, values)) {
            consumer.subscribe(List.of(topics.events()));
            while (consumer.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(100));
            }
            consumer.seekToEnd(consumer.assignment());
            consumer.assignment().forEach(consumer::position);
            final long steadyFrom = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(latencyRampUpSeconds);
            final Thread producer = new Thread(() -> {
                try {
                    produce(bootstrap, serde, topics.raw(), (int) total, events, workload);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            producer.start();
            final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(latencyRampUpSeconds + latencySeconds + 5L);
            long seen = 0;
            while (System.nanoTime() < end && seen < total) {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    final long now = System.currentTimeMillis();
                    final long latency = Math.max(0, now - record.timestamp());
                    seen++;
                    if (record.timestamp() < steadyFrom) {
                        rampUp.recordValue(latency);
                        continue;
                    }
                    histogram.recordValue(latency);
                    slowestPerSecond.merge(record.timestamp() / 1000, latency, Math::max);
                    final var stamped = stampedReader.deserialize(topics.events(), record.value());
                    toStamp.recordValue(Math.max(0, stamped.getStampedAt().toEpochMilli() - record.timestamp()));
                    toVisible.recordValue(Math.max(0, now - stamped.getStampedAt().toEpochMilli()));
                }
            }
            producer.join();
        }
        System.out.printf(Locale.ROOT, "latency events.raw -> events at %,d events/s, after a %d s ramp-up: p50 %d ms, p99 %d ms, max %d ms (%,d events)%n",
                rate, latencyRampUpSeconds, histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99),
                histogram.getMaxValue(), histogram.getTotalCount());
        System.out.printf(Locale.ROOT, "  of which raw record -> stamped: p50 %d ms, p99 %d ms; stamped -> visible (commit): p50 %d ms, p99 %d ms%n",
                toStamp.getValueAtPercentile(50), toStamp.getValueAtPercentile(99),
                toVisible.getValueAtPercentile(50), toVisible.getValueAtPercentile(99));
        System.out.printf(Locale.ROOT, "  seconds whose slowest event took over 150 ms: %d of %d; the ramp-up itself: p50 %d ms, p99 %d ms (%,d events)%n",
                slowestPerSecond.values().stream().filter(ms -> ms > 150).count(), slowestPerSecond.size(),
                rampUp.getValueAtPercentile(50), rampUp.getValueAtPercentile(99), rampUp.getTotalCount());
    }

    /**
     * {@code count} events from number {@code first} on, spread over the sessions. With a rate (the latency phase)
     * records go out evenly, else as fast as the producer takes them.
     */
    private void produce(final String bootstrap, final Map<String, Object> serde, final String topic, final int count,
                         final int first, final Workload workload) throws Exception {
        final boolean paced = first > 0;
        final SpecificAvroSerializer<WriteIntent> values = new SpecificAvroSerializer<>();
        values.configure(serde, false);
        final long start = System.nanoTime();
        try (KafkaProducer<String, WriteIntent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, paced ? 1 : 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new StringSerializer(), values)) {
            for (int i = 0; i < count; i++) {
                if (paced) {
                    final long due = start + (long) (i * 1e9 / rate);
                    final long wait = due - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                }
                final String session = workload.session(first + i);
                final WriteIntent intent = RawIntents.appended(session, first + i);
                if (sealer != null) {
                    sealer.seal(java.util.List.of(intent));
                }
                producer.send(new ProducerRecord<>(topic, session, intent));
                if (!paced && (i + 1) % 100_000 == 0) {
                    System.out.printf(Locale.ROOT, "  produced %,d of %,d raw events%n", i + 1, count);
                }
            }
            producer.flush();
            if (paced) {
                printQueueTimes(producer);
            }
        }
    }

    /** How long the load producer's records waited before the broker had them: that wait counts as latency too. */
    private static void printQueueTimes(final KafkaProducer<?, ?> producer) {
        final StringBuilder line = new StringBuilder("  load producer ms:");
        for (final String metric : List.of("record-queue-time-avg", "record-queue-time-max", "request-latency-avg", "request-latency-max")) {
            producer.metrics().forEach((name, value) -> {
                if (name.group().equals("producer-metrics") && name.name().equals(metric)) {
                    line.append(String.format(Locale.ROOT, " %s %.1f", metric, ((Number) value.metricValue()).doubleValue()));
                }
            });
        }
        System.out.println(line);
    }
}
