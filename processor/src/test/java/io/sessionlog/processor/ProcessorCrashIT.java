package io.sessionlog.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.sessionlog.testsupport.SharedKafkaCluster;
import io.sessionlog.registry.SchemaRegistryServer;
import io.sessionlog.schemas.TopicProvisioner;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.avro.WriteIntent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly once, provably: a processor in its own JVM is killed with SIGKILL while 100,000 events across 1,000
 * sessions stream in (5% more are resubmitted duplicates), and a successor takes over. Afterwards every session's
 * offsets are exactly 0..n-1, every event has exactly one offset, and the session views agree with the stream.
 */
@ExtendWith(SharedKafkaCluster.class)
class ProcessorCrashIT {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorCrashIT.class);
    private static final int EVENTS = 100_000;
    private static final int SESSIONS = 1_000;
    private static final double DUPLICATE_SHARE = 0.05;
    private static SchemaRegistryServer registry;

    @BeforeAll
    static void startRegistry() {
        registry = ProcessorIts.registry("crash");
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @RepeatedTest(3)
    void aKilledProcessorsSuccessorLeavesExactlyOneGaplessOffsetPerEvent(final RepetitionInfo run) throws Exception {
        final String prefix = "crash-" + run.getCurrentRepetition() + "-" + System.nanoTime() + ".";
        final Topics topics = new Topics(prefix);
        TopicProvisioner.ensureTopics(Map.of("bootstrap.servers", SharedKafkaCluster.bootstrapServers()), topics, 4, (short) 1);
        final Map<String, String> settings = settings(prefix, SharedKafkaCluster.newTestDir("crash-state"));

        final Path victimLog = Path.of("target", "crash-victim-" + run.getCurrentRepetition() + ".log");
        final Process victim = startProcessorProcess(settings, victimLog);
        // 100,000 events over 1,000 sessions, plus 5% resubmissions of earlier ones.
        final DuplicatedStream stream = new DuplicatedStream(run.getCurrentRepetition(), EVENTS, SESSIONS, DUPLICATE_SHARE);
        final AtomicLong sent = new AtomicLong();
        final CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(stream, topics.raw(), sent,
                () -> Awaitility.await("the victim stamping").atMost(Duration.ofSeconds(150))
                        .until(() -> endOffsetSum(topics.events()) > 1_000)));
        try {
            // Kill mid-stream: records keep arriving, and the victim has open transactions.
            awaitStampingUnderWay(victim, victimLog, producing, sent, topics);
            victim.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            LOG.info("run {}: killed the processor (SIGKILL) after {} of {} records sent", run.getCurrentRepetition(),
                    sent.get(), stream.records.size());
            assertTrue(sent.get() < stream.records.size(), "the kill lands while records still arrive");
        } finally {
            victim.destroyForcibly();
        }
        try (ProcessorService successor = new ProcessorService(new ProcessorConfig(settings))) {
            successor.start();
            producing.get(120, TimeUnit.SECONDS);
            Awaitility.await("every event stamped").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> stampedCount(topics.events()) >= EVENTS);
            assertEquals(KafkaStreams.State.RUNNING, successor.state());
        }
        verify(topics, stream);
    }

    /**
     * Waits until the victim has stamped a good part of the stream while records still arrive. A victim that dies or
     * stalls fails the run here, with what it logged, rather than as a bare timeout.
     */
    private static void awaitStampingUnderWay(final Process victim, final Path victimLog,
            final CompletableFuture<Void> producing, final AtomicLong sent, final Topics topics) {
        try {
            Awaitility.await("stamping under way").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!victim.isAlive() || producing.isCompletedExceptionally()) {
                            throw new IllegalStateException("the victim exited (" + !victim.isAlive()
                                    + ") or the producer failed (" + producing.isCompletedExceptionally() + ")");
                        }
                        return sent.get() >= 40_000 && endOffsetSum(topics.events()) > 10_000;
                    });
        } catch (final RuntimeException e) {
            throw new AssertionError("stamping did not get under way: " + sent.get() + " records sent, events' end offsets "
                    + endOffsetSum(topics.events()) + "; the victim's log ends with:\n" + tail(victimLog), e);
        }
    }

    private static String tail(final Path log) {
        try {
            final List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (final IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private void verify(final Topics topics, final DuplicatedStream stream) {
        stream.assertStampedExactlyOnce(readAll(topics.events(), StampedEvent.class), readAll(topics.sessions(), SessionView.class));
        assertEquals(SESSIONS, stream.idsBySession.size());
    }

    /** Sends the first 10,000 records, waits for {@code started}, then the rest at about 13,000 records/s. */
    private static void produce(final DuplicatedStream stream, final String topic, final AtomicLong sent, final Runnable started) {
        try (KafkaProducer<String, WriteIntent> producer = ProcessorIts.producer(registry)) {
            for (final WriteIntent record : stream.records) {
                producer.send(new ProducerRecord<>(topic, record.getSessionKey(), record));
                final long count = sent.incrementAndGet();
                if (count == 10_000) {
                    producer.flush();
                    started.run();
                } else if (count > 10_000 && count % 2_000 == 0) {
                    // Spread the rest over seconds, so the kill lands in the middle of the stream.
                    producer.flush();
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(150));
                }
            }
        }
    }

    private static Map<String, String> settings(final String prefix, final Path stateDir) {
        final Map<String, String> settings = ProcessorIts.settings(prefix, registry, stateDir);
        // The successor waits for the dead member's session and its open transactions to expire: keep both short.
        settings.put("kafka.consumer.session.timeout.ms", "6000");
        settings.put("kafka.producer.transaction.timeout.ms", "5000");
        return settings;
    }

    private static Process startProcessorProcess(final Map<String, String> settings, final Path log) throws Exception {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.sessionlog.schemas.avro",
                "-cp", System.getProperty("java.class.path"), CrashTestProcessorMain.class.getName()));
        settings.forEach((k, v) -> command.add(k + "=" + v));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    private static long endOffsetSum(final String topic) {
        try (KafkaConsumer<String, String> consumer = plainConsumer()) {
            final List<TopicPartition> partitions = partitions(consumer, topic);
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static long stampedCount(final String topic) {
        return readAll(topic, StampedEvent.class).size();
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> readAll(final String topic, final Class<T> type) {
        return ProcessorIts.committed(registry, topic, type);
    }

    private static KafkaConsumer<String, String> plainConsumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafkaCluster.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer());
    }

    private static List<TopicPartition> partitions(final KafkaConsumer<?, ?> consumer, final String topic) {
        return consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }
}
