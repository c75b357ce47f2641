package io.sessionlog.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.sessionlog.registry.SchemaRegistryServer;
import io.sessionlog.schemas.TopicProvisioner;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.serde.SpecificAvroDeserializer;
import io.sessionlog.schemas.serde.SpecificAvroSerializer;
import io.sessionlog.testsupport.CommittedRecords;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A session's views within one commit reach {@code sessionlog.sessions} once, as the last of them: a burst of events
 * of a few sessions, stamped within a few commits, leaves at most one view per session in each transaction, far fewer
 * views than events, and the last view of each session counts all of its events.
 */
@ExtendWith(SharedKafkaCluster.class)
class ViewFoldIT {

    private static final int SESSIONS = 3;
    private static final int EVENTS_PER_SESSION = 300;
    private static SchemaRegistryServer registry;

    @BeforeAll
    static void startRegistry() {
        registry = ProcessorIts.registry("fold");
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void aSessionsViewsWithinOneCommitAreWrittenOnceAsTheLastOfThem() {
        final String prefix = "fold-" + System.nanoTime() + ".";
        final Topics topics = new Topics(prefix);
        TopicProvisioner.ensureTopics(Map.of("bootstrap.servers", SharedKafkaCluster.bootstrapServers()), topics, 2, (short) 1);
        final Map<String, String> settings = ProcessorIts.settings(prefix, registry, SharedKafkaCluster.newTestDir("fold-state"));
        settings.put(ProcessorConfig.COMMIT_INTERVAL_MS, "1000");
        settings.put(ProcessorConfig.THREADS, "1");

        produceBurst(topics.raw());
        try (ProcessorService processor = new ProcessorService(new ProcessorConfig(settings))) {
            processor.start();
            Awaitility.await("every session's last view").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> lastViews(readTransactions(topics.sessions())).values().stream()
                            .filter(view -> view.getEventCount() == EVENTS_PER_SESSION).count() == SESSIONS);
        }

        final List<List<SessionView>> transactions = readTransactions(topics.sessions());
        for (final List<SessionView> transaction : transactions) {
            final Set<String> sessions = new HashSet<>();
            for (final SessionView view : transaction) {
                assertTrue(sessions.add(view.getSessionKey()), view.getSessionKey() + " has two views in one transaction: "
                        + transaction.stream().limit(20).map(v -> v.getSessionKey() + "@" + v.getLastOffset()).toList() + "…");
            }
        }
        final long views = transactions.stream().mapToLong(List::size).sum();
        assertTrue(views <= SESSIONS * 10L, views + " views for " + SESSIONS * EVENTS_PER_SESSION + " events: not folded");
        lastViews(transactions).forEach((session, view) -> {
            assertEquals(EVENTS_PER_SESSION, view.getEventCount(), session + "'s event count");
            assertEquals(EVENTS_PER_SESSION - 1L, view.getLastOffset(), session + "'s last offset");
        });
    }

    /** All events of every session, sent as one burst before the processor starts: it meets them in few commits. */
    private static void produceBurst(final String topic) {
        final SpecificAvroSerializer<WriteIntent> values = new SpecificAvroSerializer<>();
        values.configure(Map.of("schema.registry.url", registry.url()), false);
        try (KafkaProducer<String, WriteIntent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafkaCluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), values)) {
            for (int i = 0; i < EVENTS_PER_SESSION; i++) {
                for (int s = 0; s < SESSIONS; s++) {
                    final WriteIntent intent = Intents.event("session-" + s, "event-" + s + "-" + i);
                    producer.send(new ProducerRecord<>(topic, intent.getSessionKey(), intent));
                }
            }
        }
    }

    private static Map<String, SessionView> lastViews(final List<List<SessionView>> transactions) {
        final Map<String, SessionView> last = new HashMap<>();
        transactions.forEach(transaction -> transaction.forEach(view -> last.put(view.getSessionKey(), view)));
        return last;
    }

    /** The committed views, grouped by the processor's transaction that wrote them. */
    private static List<List<SessionView>> readTransactions(final String topic) {
        final SpecificAvroDeserializer<SessionView> values = new SpecificAvroDeserializer<>(SessionView.class);
        values.configure(Map.of("schema.registry.url", registry.url()), false);
        return CommittedRecords.transactions(SharedKafkaCluster.bootstrapServers(), topic, values).stream()
                .map(transaction -> transaction.stream().map(ConsumerRecord::value).toList()).toList();
    }
}
