package io.sessionlog.processor;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.BiConsumer;
import java.util.function.ObjLongConsumer;

import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.keys.SessionEventIdKey;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The re-emission of the events a tail delete covers, in steps. A tail delete is applied to the session's view and
 * to {@link DeletedOffsets} at once, in the delete's own record; what it costs in proportion to the session (reading
 * each stored event, marking it deleted, re-emitting it) is done here: at once for a session of at most one step's
 * events, else a step at a time between other records, so that deleting a long session never holds up the others of
 * its partition. Which events a step marks is decided by the index, so steps are idempotent and a session's later
 * deletes join its pending walk.
 *
 * <p>Pending walks live in a store with a changelog: under exactly-once a walk's progress commits with the events it
 * re-emitted, and a task that fails or moves resumes it where its last commit left it.
 */
final class TailDeletes {

    /** No UTF-8 byte is 0xFF: after the prefix, it sorts after every event id of the session. */
    private static final byte[] PAST_EVERY_ID = {(byte) 0xFF};

    private final KeyValueStore<String, byte[]> pending;
    private final KeyValueStore<Bytes, byte[]> events;
    private final DeletedOffsets deleted;
    private final WireCodec codec;
    private final int stepEvents;

    TailDeletes(final KeyValueStore<String, byte[]> pending, final KeyValueStore<Bytes, byte[]> events,
                final DeletedOffsets deleted, final WireCodec codec, final int stepEvents) {
        this.pending = pending;
        this.events = events;
        this.deleted = deleted;
        this.codec = codec;
        this.stepEvents = stepEvents;
    }

    /**
     * Re-emits, through {@code markDeleted}, each stored event of the session from {@code minOffset} on that the
     * index says is deleted and that is not stored deleted yet: now if the session is small and has no walk pending,
     * else in later steps ({@link #step}), with {@code timestamp} as their records' time.
     */
    void apply(final String session, final long minOffset, final long eventCount, final long timestamp,
               final BiConsumer<StampedEvent, Long> markDeleted) {
        final byte[] walking = pending.get(session);
        if (walking != null) {
            // Restarted from the session's first event: the events before the cursor were not read for this delete.
            final Walk joined = Walk.decode(walking);
            pending.put(session, new Walk(Math.min(joined.minOffset, minOffset), joined.timestamp, null).encode());
        } else if (eventCount <= stepEvents) {
            walk(session, new Walk(minOffset, timestamp, null), Integer.MAX_VALUE, markDeleted);
        } else {
            pending.put(session, new Walk(minOffset, timestamp, null).encode());
        }
    }

    /** Drops the session's pending walk, if any: a hard delete removed its events. */
    void forget(final String session) {
        if (pending.get(session) != null) {
            pending.delete(session);
        }
    }

    /** Whether any session's walk is pending. */
    boolean anyPending() {
        try (KeyValueIterator<String, byte[]> all = pending.all()) {
            return all.hasNext();
        }
    }

    /** Whether a walk is pending (for the session's later deletes: an event it will mark is deleted already). */
    boolean isPending(final String session) {
        return pending.get(session) != null;
    }

    /**
     * One step of the pending walks: reads at most one step's events, across sessions in key order, and tells
     * {@code done} of each session whose walk it finished (with the walk's record time).
     *
     * @return whether walks are left for a later step
     */
    boolean step(final BiConsumer<StampedEvent, Long> markDeleted, final ObjLongConsumer<String> done) {
        final List<KeyValue<String, byte[]>> walks = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = pending.all()) {
            all.forEachRemaining(walks::add);
        }
        int budget = stepEvents;
        for (final KeyValue<String, byte[]> entry : walks) {
            if (budget <= 0) {
                return true;
            }
            final Walk walk = Walk.decode(entry.value);
            budget -= walk(entry.key, walk, budget, markDeleted);
            if (pending.get(entry.key) == null) {
                done.accept(entry.key, walk.timestamp);
            }
        }
        return budget <= 0;
    }

    /** Walks the session's stored events from the walk's cursor, reading at most {@code budget}; returns how many it read. */
    private int walk(final String session, final Walk walk, final int budget,
                     final BiConsumer<StampedEvent, Long> markDeleted) {
        final NavigableMap<Long, Long> ranges = deleted.rangesFrom(session, walk.minOffset);
        final Bytes prefix = SessionEventIdKey.prefix(session);
        final Bytes from = walk.cursor != null ? walk.cursor : prefix;
        final Bytes to = Bytes.wrap(concat(prefix.get(), PAST_EVERY_ID));
        int read = 0;
        try (KeyValueIterator<Bytes, byte[]> stored = events.range(from, to)) {
            while (stored.hasNext()) {
                final var entry = stored.next();
                if (entry.key.equals(walk.cursor)) {
                    continue; // the cursor is the last event the previous step read
                }
                final StampedEvent event = codec.event(entry.value);
                if (!event.getEvent().getDeleted() && event.getOffset() >= walk.minOffset && covered(ranges, event.getOffset())) {
                    markDeleted.accept(event, walk.timestamp);
                }
                if (++read >= budget && stored.hasNext()) {
                    pending.put(session, new Walk(walk.minOffset, walk.timestamp, entry.key).encode());
                    return read;
                }
            }
        }
        if (walk.cursor != null || pending.get(session) != null) {
            pending.delete(session);
        }
        return read;
    }

    private static boolean covered(final NavigableMap<Long, Long> ranges, final long offset) {
        final Map.Entry<Long, Long> range = ranges.floorEntry(offset);
        return range != null && range.getValue() >= offset;
    }

    private static byte[] concat(final byte[] first, final byte[] second) {
        final byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** A pending walk: the lowest offset it deletes, its records' time, and the last event key read (null: none yet). */
    private record Walk(long minOffset, long timestamp, Bytes cursor) {

        byte[] encode() {
            final byte[] key = cursor == null ? new byte[0] : cursor.get();
            return ByteBuffer.allocate(16 + key.length).putLong(minOffset).putLong(timestamp).put(key).array();
        }

        static Walk decode(final byte[] bytes) {
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            final long minOffset = buffer.getLong();
            final long timestamp = buffer.getLong();
            final byte[] key = new byte[buffer.remaining()];
            buffer.get(key);
            return new Walk(minOffset, timestamp, key.length == 0 ? null : Bytes.wrap(key));
        }
    }
}
