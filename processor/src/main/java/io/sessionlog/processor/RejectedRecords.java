package io.sessionlog.processor;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes what the processor cannot take because of the record itself to the rejected topic, with the original bytes
 * and headers that say why, where and from which record; the topology keeps running. A record is at fault when it
 * cannot be decoded, is no write intent of its key's session, names what its session does not have, or its output is
 * larger than the topics take: the stamper checks each of these before it writes anything and rejects the record
 * itself, and the deserialization and production handlers here catch the rest. Any other failure (a store that cannot
 * write, a full disk, the registry unreachable, a bug of ours) is not the record's: it fails the task, so that
 * exactly-once aborts the transaction and the task restores its state and processes the record again, instead of
 * committing a record half applied. docs/reliability.md states the rule.
 */
public final class RejectedRecords {

    public static final String REASON = "sessionlog.reason";
    public static final String STAGE = "sessionlog.stage";
    public static final String SOURCE_TOPIC = "sessionlog.source.topic";
    public static final String SOURCE_PARTITION = "sessionlog.source.partition";
    public static final String SOURCE_OFFSET = "sessionlog.source.offset";
    /** Our own key in the Streams configuration: where the handlers send rejected records. */
    static final String TOPIC_CONFIG = "sessionlog.rejected.topic";

    private static final Logger LOG = LoggerFactory.getLogger(RejectedRecords.class);

    private RejectedRecords() {
    }

    static void configure(final Properties streams, final String rejectedTopic) {
        streams.put(TOPIC_CONFIG, rejectedTopic);
        streams.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, Unreadable.class);
        streams.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, Unprocessable.class);
        streams.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, Unwritable.class);
    }

    /** The source record's own headers, then ours: where it came from and why it was rejected. */
    public static Headers headers(final Headers original, final String reason, final String stage, final String topic,
                                  final int partition, final long offset) {
        final RecordHeaders headers = original == null ? new RecordHeaders() : new RecordHeaders(original.toArray());
        headers.add(REASON, utf8(reason));
        headers.add(STAGE, utf8(stage));
        headers.add(SOURCE_TOPIC, utf8(topic));
        headers.add(SOURCE_PARTITION, utf8(String.valueOf(partition)));
        headers.add(SOURCE_OFFSET, utf8(String.valueOf(offset)));
        return headers;
    }

    private static String reasonOf(final Exception error) {
        return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    }

    private static byte[] utf8(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** What every handler shares: the rejected topic from the Streams configuration, and the copy it writes there. */
    private abstract static class ToRejectedTopic implements Configurable {
        private String topic;

        @Override
        public void configure(final Map<String, ?> configs) {
            final Object configured = configs.get(TOPIC_CONFIG);
            if (configured == null) {
                throw new IllegalStateException(TOPIC_CONFIG + " is missing from the Streams configuration");
            }
            topic = configured.toString();
        }

        final String topic() {
            return topic;
        }

        /**
         * The source record's copy for the rejected topic, with the reason in its headers. A record whose rejected copy
         * the broker refused already (too large) goes without its bytes, which stay on the source topic at the position
         * the headers give: with them, it would be refused forever.
         */
        final ProducerRecord<byte[], byte[]> rejected(final ErrorHandlerContext context, final String stage, final String reason) {
            LOG.warn("rejected {}-{}@{} at {}: {}", context.topic(), context.partition(), context.offset(), stage, reason);
            final boolean refusedBefore = RefusedOutputs.reasonFor(context.topic(), context.partition(), context.offset()).isPresent();
            return new ProducerRecord<>(topic, null, context.sourceRawKey(), refusedBefore ? null : context.sourceRawValue(),
                    headers(context.headers(), reason, stage, context.topic(), context.partition(), context.offset()));
        }
    }

    /** A record whose bytes cannot be read (corrupt, not Avro, unknown schema id). */
    public static final class Unreadable extends ToRejectedTopic implements DeserializationExceptionHandler {
        @Override
        public Response handleError(final ErrorHandlerContext context,
                                    final org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record,
                                    final Exception exception) {
            return Response.resume(List.of(rejected(context, "processor.deserialize", reasonOf(exception))));
        }
    }

    /**
     * An output the broker refused. A refusal of the record itself (too large, invalid) sends the source record to
     * rejected and goes on; under exactly-once the transaction aborts anyway, so the record is also remembered
     * ({@link RefusedOutputs}) and rejected by the stamper when it is processed again. Any other failure (a broker
     * down, a timeout) is retried: the task processes its records again; anything else fails the thread, which is
     * replaced and retries. Nothing is rejected for the state of the cluster.
     */
    public static final class Unwritable extends ToRejectedTopic implements ProductionExceptionHandler {
        @Override
        public Response handleError(final ErrorHandlerContext context, final ProducerRecord<byte[], byte[]> record,
                                    final Exception exception) {
            if (exception instanceof RetriableException) {
                return Response.retry();
            }
            if (!RefusedOutputs.isRefusalOfTheRecord(exception) || context == null) {
                return Response.fail();
            }
            if (context.topic() == null) {
                // Kafka Streams builds the context when the broker answers, from the task's record context then:
                // after a punctuation it names no record. The transaction aborts either way; the task processes its
                // records again, and the refusal is met again with its record.
                LOG.error("failing the task {}: the broker refused an output to {} ({}) and did not say of which record",
                        context.taskId(), record.topic(), exception.getMessage());
                return Response.fail();
            }
            final String reason = "the broker refused its output to " + record.topic() + ": " + exception.getMessage();
            // Remembered after its rejected copy is made, which keeps the source bytes, unless that copy was refused.
            if (record.topic().equals(topic())) {
                RefusedOutputs.remember(context.topic(), context.partition(), context.offset(), reason);
            }
            final var copy = rejected(context, "processor.produce", reason);
            RefusedOutputs.remember(context.topic(), context.partition(), context.offset(), reason);
            return Response.resume(List.of(copy));
        }

        /**
         * The stamper writes bytes it encoded itself, and the rejected sink a record it decoded: a serialization
         * failure (the registry unreachable, say) is never the record's, and is not rejected.
         */
        @Override
        public Response handleSerializationError(final ErrorHandlerContext context, final ProducerRecord record,
                                                 final Exception exception, final SerializationExceptionOrigin origin) {
            LOG.error("failing the task of {}-{}@{}: its output to {} could not be serialized: {}", context.topic(),
                    context.partition(), context.offset(), record.topic(), reasonOf(exception));
            return Response.fail();
        }
    }

    /**
     * A record whose processing threw, or a punctuation that did: not the record's fault (the stamper rejects those
     * without throwing), so the task fails, its transaction aborts, and its replacement restores the stores and
     * processes the record again. The stack trace is logged once, by the stream thread's handler.
     */
    public static final class Unprocessable extends ToRejectedTopic implements ProcessingExceptionHandler {
        @Override
        public Response handleError(final ErrorHandlerContext context, final Record<?, ?> record, final Exception exception) {
            LOG.error("failing the task {} at {}-{}@{}: {} is no fault of the record; the transaction aborts and the "
                    + "task restarts from its last commit", context.taskId(), context.topic(), context.partition(),
                    context.offset(), exception.toString());
            return Response.fail();
        }
    }
}
