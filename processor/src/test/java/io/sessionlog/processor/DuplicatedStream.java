package io.sessionlog.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.avro.WriteIntent;

/**
 * Events of many sessions with resubmissions of earlier ones mixed in, as the ITs of exactly-once send them, and what
 * stamping them exactly once must leave on the events and sessions topics.
 */
final class DuplicatedStream {

    final List<WriteIntent> records = new ArrayList<>();
    final Map<String, List<String>> idsBySession = new TreeMap<>();
    final Map<String, Integer> duplicatesBySession = new HashMap<>();

    /** {@code events} events {@code event-<i>} over {@code sessions} sessions, each followed by a resubmission of an earlier one with probability {@code duplicateShare}. */
    DuplicatedStream(final long seed, final int events, final int sessions, final double duplicateShare) {
        final Random random = new Random(seed);
        final List<WriteIntent> sentSoFar = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            final String session = "session-" + random.nextInt(sessions);
            final WriteIntent intent = Intents.event(session, "event-" + i);
            records.add(intent);
            sentSoFar.add(intent);
            idsBySession.computeIfAbsent(session, s -> new ArrayList<>()).add("event-" + i);
            if (random.nextDouble() < duplicateShare) {
                final WriteIntent again = sentSoFar.get(random.nextInt(sentSoFar.size()));
                records.add(again);
                duplicatesBySession.merge(again.getSessionKey(), 1, Integer::sum);
            }
        }
    }

    /**
     * Every session's offsets are exactly 0..n-1, each event has exactly one, in partition order, and the session's
     * latest view agrees: its last offset, event count and duplicate count.
     *
     * @param views the committed views, each partition's in its order, so that a session's last is its latest
     */
    void assertStampedExactlyOnce(final List<StampedEvent> stampedEvents, final List<SessionView> views) {
        final Map<String, TreeMap<Long, String>> offsets = new HashMap<>();
        final Set<String> stampedTwice = new HashSet<>();
        for (final StampedEvent event : stampedEvents) {
            final String previous = offsets.computeIfAbsent(event.getSessionKey(), s -> new TreeMap<>())
                    .put(event.getOffset(), event.getEvent().getEventId());
            if (previous != null) {
                stampedTwice.add(event.getSessionKey() + "@" + event.getOffset());
            }
        }
        assertTrue(stampedTwice.isEmpty(), "offsets stamped twice: " + stampedTwice);
        final Map<String, SessionView> latest = new HashMap<>();
        views.forEach(view -> latest.put(view.getSessionKey(), view));
        for (final Map.Entry<String, List<String>> session : idsBySession.entrySet()) {
            final TreeMap<Long, String> stamped = offsets.getOrDefault(session.getKey(), new TreeMap<>());
            final int n = session.getValue().size();
            assertEquals(n, stamped.size(), session.getKey() + ": one offset per event");
            assertEquals(0L, stamped.firstKey(), session.getKey() + " starts at 0");
            assertEquals(n - 1L, stamped.lastKey(), session.getKey() + ": no gap");
            assertEquals(new HashSet<>(session.getValue()), new HashSet<>(stamped.values()),
                    session.getKey() + ": every accepted event, each exactly once");
            assertEquals(new ArrayList<>(session.getValue()), new ArrayList<>(stamped.values()),
                    session.getKey() + ": offsets follow partition order");
            final SessionView view = latest.get(session.getKey());
            assertEquals(n - 1L, view.getLastOffset(), session.getKey() + " view's last offset");
            assertEquals(n, view.getEventCount(), session.getKey() + " view's event count");
            assertEquals((long) duplicatesBySession.getOrDefault(session.getKey(), 0),
                    view.getDuplicateCount(), session.getKey() + " view's duplicate count");
        }
        assertEquals(idsBySession.size(), offsets.size(), "no session but those sent");
    }
}
