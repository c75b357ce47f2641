package io.sessionlog.ingest.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.MeterRegistry;
import io.sessionlog.ingest.format.FieldError;
import io.sessionlog.ingest.format.InvalidInputException;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.sessionlog.privacy.Sealer;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.serde.SchemaRegistrations;
import io.sessionlog.schemas.serde.SpecificAvroSerializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes write intents to {@code events.raw}, keyed by session key with Kafka's default partitioner, so any Kafka
 * client producing the same key lands on the same partition. One idempotent producer is shared by every request. With
 * privacy.encryption, each intent's content is sealed with its session's key first (docs/privacy.md).
 */
public final class IntentPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IntentPublisher.class);

    private final KafkaProducer<String, byte[]> producer;
    private final SpecificAvroSerializer<WriteIntent> values = new SpecificAvroSerializer<>();
    private final String topic;
    private final Sealer sealer;

    public IntentPublisher(final Map<String, Object> producerConfig, final Map<String, Object> serdeConfig,
                           final String topic) {
        this(producerConfig, serdeConfig, topic, null);
    }

    /** @param sealer seals the content of every intent before it is written (privacy.encryption); null: plain */
    public IntentPublisher(final Map<String, Object> producerConfig, final Map<String, Object> serdeConfig,
                           final String topic, final Sealer sealer) {
        this.sealer = sealer;
        SchemaRegistrations.ensure(serdeConfig, Map.of(topic, WriteIntent.getClassSchema()));
        values.configure(serdeConfig, false);
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
        // Fetch the topic's metadata now, so the first request does not wait for it.
        producer.partitionsFor(topic);
    }

    /**
     * Sends every intent and completes once Kafka acknowledged all of them, or exceptionally with the first failure.
     * Every intent is encoded before any is sent, so an intent that cannot be encoded fails the call with
     * {@link InvalidInputException} naming its index and nothing of the call is written. A full buffer fails fast
     * (max.block.ms) so the caller can answer 503 instead of hanging.
     */
    public CompletableFuture<List<RecordMetadata>> publish(final List<WriteIntent> intents) {
        if (sealer != null) {
            sealer.seal(intents);
        }
        final List<byte[]> encoded = encode(intents);
        @SuppressWarnings("unchecked")
        final CompletableFuture<RecordMetadata>[] acks = new CompletableFuture[intents.size()];
        for (int i = 0; i < intents.size(); i++) {
            final CompletableFuture<RecordMetadata> ack = new CompletableFuture<>();
            acks[i] = ack;
            try {
                producer.send(new ProducerRecord<>(topic, intents.get(i).getSessionKey(), encoded.get(i)), (metadata, error) -> {
                    if (error == null) {
                        ack.complete(metadata);
                    } else {
                        ack.completeExceptionally(error);
                    }
                });
            } catch (RuntimeException e) {
                ack.completeExceptionally(e);
            }
        }
        return CompletableFuture.allOf(acks).thenApply(ignored -> java.util.Arrays.stream(acks).map(CompletableFuture::join).toList());
    }

    private List<byte[]> encode(final List<WriteIntent> intents) {
        final List<byte[]> encoded = new ArrayList<>(intents.size());
        final List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < intents.size(); i++) {
            try {
                encoded.add(values.serialize(topic, intents.get(i)));
            } catch (SerializationException e) {
                LOG.warn("item {} cannot be encoded for {}: {}", i, topic, e.getMessage());
                errors.add(new FieldError(i, "item", "cannot be encoded in the " + WriteIntent.getClassSchema().getName()
                        + " schema of " + topic));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors, intents.size());
        }
        return encoded;
    }

    /** The producer's metrics (send rate, errors, buffer, latency) under {@code kafka.producer.*}. */
    public void bindMetrics(final MeterRegistry registry) {
        new KafkaClientMetrics(producer).bindTo(registry);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
