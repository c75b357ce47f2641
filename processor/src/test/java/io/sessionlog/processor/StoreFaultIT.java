package io.sessionlog.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.sessionlog.registry.RegistryConfig;
import io.sessionlog.registry.SchemaRegistryServer;
import io.sessionlog.schemas.TopicProvisioner;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.serde.SpecificAvroDeserializer;
import io.sessionlog.schemas.serde.SpecificAvroSerializer;
import io.sessionlog.testsupport.CommittedRecords;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
        registry = SchemaRegistryServer.start(new RegistryConfig(Map.of("kafka.bootstrap.servers",
                SharedKafkaCluster.bootstrapServers(), "registry.port", "0", "registry.topic", "_schemas-fault-" + System.nanoTime())));
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
        final Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", SharedKafkaCluster.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("topic.prefix", prefix);
        settings.put(ProcessorConfig.APPLICATION_ID, prefix + "processor");
        settings.put(ProcessorConfig.STATE_DIR, SharedKafkaCluster.newTestDir("fault-state").toString());
        settings.put(ProcessorConfig.THREADS, "1");
        // No record cache: each view's put reaches the store within the processing of its record, not at commit.
        settings.put(ProcessorConfig.VIEW_CACHE_BYTES, "0");

        final Stream stream = new Stream(store.hashCode());
        final AtomicLong sent = new AtomicLong();
        final AtomicLong sentAtFailure = new AtomicLong(-1);
        final FailingStores stores = new FailingStores(store, FAILING_PUT, () -> sentAtFailure.set(sent.get()));
        final ProcessorConfig config = new ProcessorConfig(settings);
        try (ProcessorService processor = new ProcessorService(config, ProcessorTopology.build(config, stores))) {
            processor.start();
            Awaitility.await("the processor running").atMost(Duration.ofMinutes(1))
                    .until(() -> processor.state() == KafkaStreams.State.RUNNING);
            final CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> stream.produce(topics.raw(), sent));
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

    private static void verify(final Topics topics, final Stream stream) {
        final Map<String, TreeMap<Long, String>> offsets = new HashMap<>();
        final Set<String> stampedTwice = new HashSet<>();
        for (final StampedEvent event : readAll(topics.events(), StampedEvent.class)) {
            final String previous = offsets.computeIfAbsent(event.getSessionKey(), s -> new TreeMap<>())
                    .put(event.getOffset(), event.getEvent().getEventId());
            if (previous != null) {
                stampedTwice.add(event.getSessionKey() + "@" + event.getOffset());
            }
        }
        assertTrue(stampedTwice.isEmpty(), "offsets stamped twice: " + stampedTwice);
        assertEquals(0, CommittedRecords.values(SharedKafkaCluster.bootstrapServers(), topics.rejected(),
                new ByteArrayDeserializer()).size(), "records rejected for a fault that was not theirs");
        final Map<String, SessionView> views = new HashMap<>();
        readAll(topics.sessions(), SessionView.class).forEach(view -> views.put(view.getSessionKey(), view));
        for (final Map.Entry<String, List<String>> session : stream.idsBySession.entrySet()) {
            final TreeMap<Long, String> stamped = offsets.getOrDefault(session.getKey(), new TreeMap<>());
            final int n = session.getValue().size();
            assertEquals(n, stamped.size(), session.getKey() + ": one offset per event");
            assertEquals(0L, stamped.firstKey(), session.getKey() + " starts at 0");
            assertEquals(n - 1L, stamped.lastKey(), session.getKey() + ": no gap");
            assertEquals(session.getValue(), new ArrayList<>(stamped.values()),
                    session.getKey() + ": every event exactly once, in partition order");
            final SessionView view = views.get(session.getKey());
            assertEquals(n, view.getEventCount(), session.getKey() + " view's event count");
            assertEquals((long) stream.duplicatesBySession.getOrDefault(session.getKey(), 0),
                    view.getDuplicateCount(), session.getKey() + " view's duplicate count");
        }
    }

    /** The sum of the group's committed offsets: under exactly-once, the records whose output is committed. */
    private static long committedOffsets(final String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafkaCluster.bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                    .mapToLong(OffsetAndMetadata::offset).sum();
        }
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> readAll(final String topic, final Class<T> type) {
        final SpecificAvroDeserializer<T> values = new SpecificAvroDeserializer<>(type);
        values.configure(Map.of("schema.registry.url", registry.url()), false);
        return CommittedRecords.values(SharedKafkaCluster.bootstrapServers(), topic, values);
    }

    /** 6,000 events over 40 sessions, plus 5% resubmissions of earlier ones, sent at about 2,000 records/s. */
    private static final class Stream {
        final List<WriteIntent> records = new ArrayList<>();
        final Map<String, List<String>> idsBySession = new TreeMap<>();
        final Map<String, Integer> duplicatesBySession = new HashMap<>();

        Stream(final long seed) {
            final Random random = new Random(seed);
            for (int i = 0; i < EVENTS; i++) {
                final String session = "session-" + random.nextInt(SESSIONS);
                final WriteIntent intent = Intents.event(session, "event-" + i);
                records.add(intent);
                idsBySession.computeIfAbsent(session, s -> new ArrayList<>()).add("event-" + i);
                if (random.nextDouble() < DUPLICATE_SHARE) {
                    final WriteIntent again = records.get(random.nextInt(records.size()));
                    records.add(again);
                    duplicatesBySession.merge(again.getSessionKey(), 1, Integer::sum);
                }
            }
        }

        void produce(final String topic, final AtomicLong sent) {
            final SpecificAvroSerializer<WriteIntent> values = new SpecificAvroSerializer<>();
            values.configure(Map.of("schema.registry.url", registry.url()), false);
            try (KafkaProducer<String, WriteIntent> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafkaCluster.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), values)) {
                for (final WriteIntent record : records) {
                    producer.send(new ProducerRecord<>(topic, record.getSessionKey(), record));
                    if (sent.incrementAndGet() % 200 == 0) {
                        producer.flush();
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                    }
                }
            }
        }
    }
}
