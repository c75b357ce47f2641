package io.sessionlog.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.sessionlog.registry.SchemaRegistryServer;
import io.sessionlog.schemas.TopicProvisioner;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.testsupport.CommittedRecords;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A store that fails one write mid-stream (a full disk, a RocksDB error) is no fault of the record being processed:
 * the task fails, its transaction aborts, and its replacement restores the stores and processes the record again.
 * Events stream in with resubmitted duplicates while the session view's store, or in the other case the event store,
 * fails one put; afterwards every session's offsets are exactly 0..n-1, no offset is stamped twice, every event is
 * stamped once, nothing went to the rejected topic, and the processor runs on. Were the failure answered by rejecting
 * the record, a failed view write would commit an event whose view never advanced (the session's next event taking
 * its offset again), and a failed event write would lose the event to the rejected topic.
 */
@ExtendWith(SharedKafkaCluster.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class StoreFaultIT {

    private static final int EVENTS = 6_000;
    private static final int SESSIONS = 40;
    private static final double DUPLICATE_SHARE = 0.05;
    /** The failing put: a third of the way into the stream, while records still arrive. */
    private static final long FAILING_PUT = 2_000;
    private static SchemaRegistryServer registry;

    @BeforeAll
    static void startRegistry() {
        registry = ProcessorIts.registry("fault");
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @ParameterizedTest(name = "a failed put of {0}")
    @ValueSource(strings = {ProcessorNames.SESSIONS_STORE, ProcessorNames.EVENTS_STORE})
    void aStoreFailingOneWriteFailsTheTaskAndLeavesExactlyOneGaplessOffsetPerEvent(final String store) throws Exception {
        final String prefix = "fault-" + store + "-" + System.nanoTime() + ".";
        final Topics topics = new Topics(prefix);
        TopicProvisioner.ensureTopics(Map.of("bootstrap.servers", SharedKafkaCluster.bootstrapServers()), topics, 2, (short) 1);
        final Map<String, String> settings = ProcessorIts.settings(prefix, registry, SharedKafkaCluster.newTestDir("fault-state"));
        settings.put(ProcessorConfig.THREADS, "1");
        // No record cache: each view's put reaches the store within the processing of its record, not at commit.
        settings.put(ProcessorConfig.VIEW_CACHE_BYTES, "0");

        final DuplicatedStream stream = new DuplicatedStream(store.hashCode(), EVENTS, SESSIONS, DUPLICATE_SHARE);
        final AtomicLong sent = new AtomicLong();
        final AtomicLong sentAtFailure = new AtomicLong(-1);
        final FailingStores stores = new FailingStores(store, FAILING_PUT, () -> sentAtFailure.set(sent.get()));
        final ProcessorConfig config = new ProcessorConfig(settings);
        try (ProcessorService processor = new ProcessorService(config, ProcessorTopology.build(config, stores))) {
            processor.start();
            Awaitility.await("the processor running").atMost(Duration.ofMinutes(1))
                    .until(() -> processor.state() == KafkaStreams.State.RUNNING);
            final CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(stream, topics.raw(), sent));
            producing.get(2, TimeUnit.MINUTES);
            Awaitility.await("every record processed").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> committedOffsets(prefix + "processor") == stream.records.size());
            assertTrue(stores.failed(), "the store's put failed");
            assertTrue(sentAtFailure.get() < stream.records.size(),
                    "the failure lands while records still arrive (" + sentAtFailure.get() + " sent)");
            Awaitility.await("the processor running again").atMost(Duration.ofSeconds(30))
                    .until(() -> processor.state() == KafkaStreams.State.RUNNING);
        }
        verify(topics, stream);
    }

    private static void verify(final Topics topics, final DuplicatedStream stream) {
        assertEquals(0, CommittedRecords.values(SharedKafkaCluster.bootstrapServers(), topics.rejected(),
                new ByteArrayDeserializer()).size(), "records rejected for a fault that was not theirs");
        stream.assertStampedExactlyOnce(readAll(topics.events(), StampedEvent.class), readAll(topics.sessions(), SessionView.class));
    }

    /** The sum of the group's committed offsets: under exactly-once, the records whose output is committed. */
    private static long committedOffsets(final String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafkaCluster.bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                    .mapToLong(OffsetAndMetadata::offset).sum();
        }
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> readAll(final String topic, final Class<T> type) {
        return ProcessorIts.committed(registry, topic, type);
    }

    /** Sends the stream's records at about 2,000 records/s. */
    private static void produce(final DuplicatedStream stream, final String topic, final AtomicLong sent) {
        try (KafkaProducer<String, WriteIntent> producer = ProcessorIts.producer(registry)) {
            for (final WriteIntent record : stream.records) {
                producer.send(new ProducerRecord<>(topic, record.getSessionKey(), record));
                if (sent.incrementAndGet() % 200 == 0) {
                    producer.flush();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
            }
        }
    }
}
