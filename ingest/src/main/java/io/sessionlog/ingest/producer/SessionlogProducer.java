package io.sessionlog.ingest.producer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.sessionlog.ingest.IngestConfig;
import io.sessionlog.ingest.format.InputFormat;
import io.sessionlog.ingest.format.IntentReader;
import io.sessionlog.ingest.format.InvalidInputException;
import io.sessionlog.ingest.format.JsonItems;
import io.sessionlog.ingest.kafka.IntentPublisher;
import io.sessionlog.privacy.Sealer;
import io.sessionlog.privacy.SessionKeys;
import io.sessionlog.schemas.ClusterConfig;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.EventAppended;
import io.sessionlog.schemas.avro.WriteIntent;

/**
 * Publishes events from a JVM upstream straight to Kafka, with exactly the validation and normalization of the HTTP
 * routes (the same {@link IntentReader}): one invalid item fails the whole call with {@link InvalidInputException}
 * and nothing is sent. Configured with the same keys as the ingest role ({@code kafka.bootstrap.servers},
 * {@code schema.registry.url}, {@code topic.prefix}, {@code kafka.*}, {@code privacy.*}…): with privacy.encryption it
 * seals content with the session's key before sending, as the routes do. Thread-safe; share one per process.
 *
 * <pre>{@code
 * try (SessionlogProducer producer = SessionlogProducer.create(Map.of(
 *         "kafka.bootstrap.servers", "localhost:9092", "schema.registry.url", "http://localhost:8081"))) {
 *     producer.sendFlux0("zv3h4j5Fjv", eventDtoJson).join();
 *     producer.send(InputFormat.Y, syllableEventsJsonArray).join();
 * }
 * }</pre>
 */
public final class SessionlogProducer implements AutoCloseable {

    /** One accepted event: its id (given or derived) and the session it went to. */
    public record Accepted(String eventId, String sessionKey) {
    }

    private final IntentPublisher publisher;
    /** With privacy.encryption: what seals each event before it is sent, as the HTTP routes do. */
    private final Optional<SessionKeys> keys;
    private final IntentReader reader;

    private SessionlogProducer(final IngestConfig config) {
        final Topics topics = new Topics(config.getString(ClusterConfig.TOPIC_PREFIX));
        this.keys = config.masterKeys().map(master -> SessionKeys.forSealing(ClusterConfig.kafkaClientConfig(config), topics.keys(), master));
        this.publisher = new IntentPublisher(config.producerConfig(), config.serdeConfig(), topics.raw(),
                keys.map(k -> new Sealer(k, config.sealTimeout())).orElse(null));
        this.reader = new IntentReader(config.getInt(IngestConfig.MAX_EVENT_BYTES));
    }

    public static SessionlogProducer create(final Map<String, ?> settings) {
        return new SessionlogProducer(new IngestConfig(settings));
    }

    /** flux0 EventDTOs (one object or an array) of one session. */
    public CompletableFuture<List<Accepted>> sendFlux0(final String sessionId, final String json) {
        return send(InputFormat.E, Optional.of(sessionId), json.getBytes(StandardCharsets.UTF_8));
    }

    /** Syllable or Inkeep events (one object or an array); their session comes from the records. */
    public CompletableFuture<List<Accepted>> send(final InputFormat format, final String json) {
        return send(format, Optional.empty(), json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Events of any format; for E without a session each item names its own in {@code session_id}. Completes when
     * Kafka acknowledged every record; fails with {@link InvalidInputException} when any item is invalid.
     */
    public CompletableFuture<List<Accepted>> send(final InputFormat format, final Optional<String> session, final byte[] json) {
        final List<WriteIntent> intents;
        final CompletableFuture<?> sent;
        try {
            intents = reader.events(format, JsonItems.split(json), session, Instant.now());
            sent = publisher.publish(intents);
        } catch (RuntimeException invalid) {
            return CompletableFuture.failedFuture(invalid);
        }
        return sent.thenApply(acks -> intents.stream()
                .map(i -> new Accepted(((EventAppended) i.getIntent()).getEvent().getEventId(), i.getSessionKey()))
                .toList());
    }

    @Override
    public void close() {
        publisher.close();
        keys.ifPresent(SessionKeys::close);
    }
}
