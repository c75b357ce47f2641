package io.sessionlog.projections;

import java.time.Duration;

import io.sessionlog.projections.query.CorrelationKey;
import io.sessionlog.schemas.avro.StampedEvent;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills a task's correlation index from the events it already stores, once: a data dir of the layout that kept whole
 * events per root elsewhere starts with the index empty. The walk goes in steps between records, its progress kept
 * in the index under {@link CorrelationKey#FILL_STATE} (so it resumes after a restart or a move), and ends by marking
 * the index complete, which a query checks before it answers from the index.
 */
final class CorrelationIndexFill {

    private static final Logger LOG = LoggerFactory.getLogger(CorrelationIndexFill.class);
    /** Events read per step: a step costs a few milliseconds, so records keep flowing between steps. */
    static final int STEP_EVENTS = 5_000;
    private static final Duration STEP_INTERVAL = Duration.ofMillis(10);
    private static final byte[] PRESENT = new byte[0];

    private final ProcessorContext<?, ?> context;
    private final KeyValueStore<Bytes, StampedEvent> events;
    private final KeyValueStore<Bytes, byte[]> index;
    private Cancellable stepping;
    private long filled;

    private CorrelationIndexFill(final ProcessorContext<?, ?> context, final KeyValueStore<Bytes, StampedEvent> events,
                                 final KeyValueStore<Bytes, byte[]> index) {
        this.context = context;
        this.events = events;
        this.index = index;
    }

    /** Schedules the fill when the task's index is not marked complete; null when it is. */
    static CorrelationIndexFill startIfNeeded(final ProcessorContext<?, ?> context, final KeyValueStore<Bytes, StampedEvent> events,
                                              final KeyValueStore<Bytes, byte[]> index) {
        if (CorrelationKey.complete(index.get(CorrelationKey.FILL_STATE))) {
            return null;
        }
        final CorrelationIndexFill fill = new CorrelationIndexFill(context, events, index);
        fill.stepping = context.schedule(STEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> fill.step());
        return fill;
    }

    /**
     * Before the task's first record is stored: a task that stores no event yet has nothing to fill, so its index is
     * complete from that record on, without waiting for a step.
     */
    void beforeFirstRecord() {
        if (index.get(CorrelationKey.FILL_STATE) == null && CorrelationKey.complete(index, events)) {
            index.put(CorrelationKey.FILL_STATE, CorrelationKey.fillState(null));
            stepping.cancel();
        }
    }

    private void step() {
        final byte[] state = index.get(CorrelationKey.FILL_STATE);
        if (CorrelationKey.complete(state)) {
            stepping.cancel();
            return;
        }
        final Bytes from = CorrelationKey.fillCursor(state);
        Bytes next = null;
        int read = 0;
        try (KeyValueIterator<Bytes, StampedEvent> all = from == null ? events.all() : events.range(from, null)) {
            while (all.hasNext()) {
                final KeyValue<Bytes, StampedEvent> entry = all.next();
                if (read == STEP_EVENTS) {
                    next = entry.key;
                    break;
                }
                read++;
                final StampedEvent event = entry.value;
                if (event != null && event.getCorrelation() != null) {
                    index.put(CorrelationKey.of(event.getCorrelation().getRoot(), event.getSessionKey(), event.getOffset()), PRESENT);
                    filled++;
                }
            }
        }
        index.put(CorrelationKey.FILL_STATE, CorrelationKey.fillState(next));
        if (next == null) {
            stepping.cancel();
            if (filled > 0 || from != null) {
                LOG.info("correlation index of task {} filled from its stored events: {} correlated events indexed", context.taskId(), filled);
            }
        }
    }
}
