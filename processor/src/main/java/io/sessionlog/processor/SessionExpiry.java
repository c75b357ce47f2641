package io.sessionlog.processor;

import java.util.ArrayList;
import java.util.List;

import io.sessionlog.schemas.avro.SessionView;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The sweep of a task's sessions for those idle longer than the ttl: a cursor through {@code session-state} in key
 * order, a bounded step at a time. A session's idle time is measured from its view's {@code updated_at}, the
 * processor's time of its last write intent. Nothing is written per event and no index is kept: the cost is the
 * sweep's reads, paced, and only when expiry is on. The cursor lives in memory; a task that restarts sweeps again
 * from its first session.
 */
final class SessionExpiry {

    private final KeyValueStore<String, byte[]> sessions;
    private final WireCodec codec;
    private final ExpiryPace pace;
    /** The last session examined by the sweep under way; null: the next step starts a sweep. */
    private String cursor;
    /** The processor time before which no new sweep starts. */
    private long nextSweepAt;

    SessionExpiry(final KeyValueStore<String, byte[]> sessions, final WireCodec codec, final ExpiryPace pace) {
        this.sessions = sessions;
        this.codec = codec;
        this.pace = pace;
    }

    /** One step of the sweep at processor time {@code now}: the sessions it found idle longer than the ttl. */
    List<String> step(final long now) {
        if (cursor == null && now < nextSweepAt) {
            return List.of();
        }
        final List<String> idle = new ArrayList<>();
        final long ttl = pace.ttl().toMillis();
        int examined = 0;
        String last = cursor;
        boolean more;
        try (KeyValueIterator<String, byte[]> all = cursor == null ? sessions.all() : sessions.range(cursor, null)) {
            while (all.hasNext() && examined < pace.stepSessions()) {
                final KeyValue<String, byte[]> entry = all.next();
                if (entry.key.equals(cursor)) {
                    continue; // the range starts at the last session examined
                }
                examined++;
                last = entry.key;
                final SessionView view = codec.view(entry.value);
                if (view != null && now - view.getUpdatedAt().toEpochMilli() > ttl) {
                    idle.add(entry.key);
                }
            }
            more = all.hasNext();
        }
        cursor = more ? last : null;
        if (!more) {
            nextSweepAt = now + pace.sweepGapMs();
        }
        return idle;
    }
}
