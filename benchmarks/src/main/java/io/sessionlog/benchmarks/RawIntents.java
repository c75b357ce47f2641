package io.sessionlog.benchmarks;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventAppended;
import io.sessionlog.schemas.avro.EventKind;
import io.sessionlog.schemas.avro.Origin;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.serde.SpecificAvroSerializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Write intents as ingest publishes them to the raw topic, for benchmarks that load the processor directly. */
final class RawIntents {

    private RawIntents() {
    }

    /** Event {@code n} appended to {@code session}: a flux0 message of about 300 bytes, its id {@code e<n>}. */
    static WriteIntent appended(final String session, final int n) {
        final String raw = "{\"id\":\"e" + n + "\",\"correlation_id\":\"RID(lyH-sVmwJO)::Y8oBzYT4CQ\",\"type\":\"message\","
                + "\"source\":\"ai_agent\",\"data\":{\"type\":\"message\",\"parts\":[{\"type\":\"content\",\"content\":\"Answer " + n
                + "\"}]},\"created_at\":\"2025-01-29T09:27:41Z\"}";
        final CanonicalEvent event = CanonicalEvent.newBuilder().setEventId("e" + n).setOrigin(Origin.FLUX0)
                .setKind(EventKind.MESSAGE).setType("message").setSource("ai_agent")
                .setCorrelationId("RID(lyH-sVmwJO)::Y8oBzYT4CQ").setOccurredAt(Instant.parse("2025-01-29T09:27:41Z"))
                .setDataJson("{\"type\":\"message\",\"parts\":[{\"type\":\"content\",\"content\":\"Answer " + n + "\"}]}")
                .setSessionId(session).setSchemaRef("flux0.EventDTO")
                .setRaw(java.nio.ByteBuffer.wrap(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8))).build();
        return WriteIntent.newBuilder().setSessionKey(session).setIngestedAt(Instant.now())
                .setIntent(EventAppended.newBuilder().setEvent(event).build()).build();
    }

    /** A producer of write intents as ingest's: every record acknowledged by all replicas, batched, lz4. */
    static KafkaProducer<String, WriteIntent> producer(final String bootstrap, final Map<String, Object> serde) {
        final SpecificAvroSerializer<WriteIntent> values = new SpecificAvroSerializer<>();
        values.configure(serde, false);
        // One request in flight: on a topic created a moment before, a first batch refused with NOT_LEADER_OR_FOLLOWER
        // while the next ones were taken (a broker with no state of the producer takes any first sequence) came back
        // as OUT_OF_ORDER_SEQUENCE_NUMBER on every retry until it expired, and its records were never written.
        return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all", "linger.ms", 5,
                "batch.size", 256 * 1024, "compression.type", "lz4", "max.in.flight.requests.per.connection", 1),
                new StringSerializer(), values);
    }

    /**
     * Sends; the first record the broker did not take is kept in {@code failed}, for the caller to stop on after its
     * flush: the benchmark's figures would count records that were never written.
     */
    static void send(final KafkaProducer<String, WriteIntent> producer, final ProducerRecord<String, WriteIntent> record,
                     final AtomicReference<Exception> failed) {
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                failed.compareAndSet(null, error);
            }
        });
    }

    /** Throws if a send of {@link #send} failed. */
    static void requireAllWritten(final AtomicReference<Exception> failed) {
        if (failed.get() != null) {
            throw new IllegalStateException("a raw record was not written", failed.get());
        }
    }
}
