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
    /** Sessions found idle that a step had no time left to remove: the next step's first candidates. */
    private final java.util.ArrayDeque<String> carried = new java.util.ArrayDeque<>();

    SessionExpiry(final KeyValueStore<String, byte[]> sessions, final WireCodec codec, final ExpiryPace pace) {
        this.sessions = sessions;
        this.codec = codec;
        this.pace = pace;
    }

    /**
     * One step of the sweep at processor time {@code now}: the sessions it found idle longer than the ttl. A step
     * examines at most {@code stepSessions} sessions and finds at most {@code stepRemovals}: removing a session costs
     * about ten times examining one.
     */
    List<String> step(final long now) {
        if (!carried.isEmpty()) {
            final List<String> again = new ArrayList<>(carried);
            carried.clear();
            return again;
        }
        if (cursor == null && now < nextSweepAt) {
            return List.of();
        }
        final List<String> idle = new ArrayList<>();
        int examined = 0;
        String last = cursor;
        boolean more;
        try (KeyValueIterator<String, byte[]> all = cursor == null ? sessions.all() : sessions.range(cursor, null)) {
            while (all.hasNext() && examined < pace.stepSessions() && idle.size() < pace.stepRemovals()) {
                final KeyValue<String, byte[]> entry = all.next();
                if (entry.key.equals(cursor)) {
                    continue; // the range starts at the last session examined
                }
                examined++;
                last = entry.key;
                if (idle(codec.view(entry.value), now)) {
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

    /** Candidates a step found but did not remove: offered first by the next step (and checked again then). */
    void carry(final List<String> sessions) {
        carried.addAll(sessions);
    }

    /** Whether {@code view} has had no write for longer than the ttl at processor time {@code now}. */
    boolean idle(final SessionView view, final long now) {
        return view != null && now - view.getUpdatedAt().toEpochMilli() > pace.ttl().toMillis();
    }
}
