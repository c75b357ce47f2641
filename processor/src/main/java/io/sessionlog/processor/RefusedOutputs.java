package io.sessionlog.processor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * Source records whose output the broker refused for what the output is (too large, invalid), remembered by their
 * position on the raw topic. Under exactly-once such a refusal aborts the whole transaction and Kafka Streams processes
 * the same records again; without this memory the task would fail on the same record forever. With it, the replayed
 * record goes to the rejected topic with the broker's reason, and every other record of the transaction is written.
 *
 * <p>Only refusals that name one record are remembered: a refused batch's other records fail with a plain
 * {@code KafkaException} ("part of a batch which had one or more invalid records"), and retriable failures (a broker
 * down, a timeout) are retried, never rejected. The memory is per process and bounded: a task that moves to another
 * instance meets the refusal once more there, then rejects the record the same way.
 */
final class RefusedOutputs {

    private static final int CAPACITY = 10_000;
    private static final Map<String, String> REASONS = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, String> eldest) {
            return size() > CAPACITY;
        }
    };
    /** Read on every record: the map is consulted only while it holds something. */
    private static volatile boolean empty = true;

    private RefusedOutputs() {
    }

    /** Whether the broker refused this output for the record itself, not for its own state. */
    static boolean isRefusalOfTheRecord(final Exception error) {
        return error instanceof RecordTooLargeException || error instanceof InvalidRecordException;
    }

    static void remember(final String topic, final int partition, final long offset, final String reason) {
        synchronized (REASONS) {
            // The first refusal names the output that caused it; the transaction's later sends fail with the same error.
            REASONS.putIfAbsent(position(topic, partition, offset), reason);
            empty = false;
        }
    }

    /** Whether nothing is remembered: read on every record, so that the usual case costs one volatile read. */
    static boolean none() {
        return empty;
    }

    static Optional<String> reasonFor(final String topic, final int partition, final long offset) {
        if (empty) {
            return Optional.empty();
        }
        synchronized (REASONS) {
            return Optional.ofNullable(REASONS.get(position(topic, partition, offset)));
        }
    }

    /** Forgets every refusal (tests that replay the same positions). */
    static void clear() {
        synchronized (REASONS) {
            REASONS.clear();
            empty = true;
        }
    }

    private static String position(final String topic, final int partition, final long offset) {
        return topic + '/' + partition + '@' + offset;
    }
}
