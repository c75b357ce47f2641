package io.sessionlog.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import io.sessionlog.schemas.PendingDeletes;
import io.sessionlog.schemas.avro.OffsetRange;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.keys.SessionOffsetKey;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unread counts come from the index of deleted offsets, not from the session's events: they must equal a brute-force
 * count over the session after any mix of appends (some arriving deleted), deletes of one event, tail deletes and
 * consumption patches. Tail deletes of a session longer than one step re-emit its events in steps between records;
 * the counts change at once, and in the end every deleted event is re-emitted deleted exactly once.
 */
class DeletesAndUnreadTest {

    private static final int STEP = 7;
    private static final java.time.Duration STEP_INTERVAL = java.time.Duration.ofMillis(5);

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ALWAYS)
    Path stateDir;

    private ProcessorTestDriver test;

    @AfterEach
    void stop() {
        if (test != null) {
            test.close();
        }
    }

    private void start(final int stepEvents) {
        test = new ProcessorTestDriver("deletes-unread-test", stateDir, Map.of(ProcessorConfig.DELETE_STEP_EVENTS, stepEvents,
                ProcessorConfig.DELETE_STEP_INTERVAL_MS, STEP_INTERVAL.toMillis()));
    }

    @Test
    void unreadCountsEqualABruteForceCountUnderAnyMixOfDeletesAndPatches() {
        start(STEP);
        final Random random = new Random(7);
        final List<String> consumers = List.of("client", "voice-bot", "widget");
        final TreeMap<Long, Boolean> deleted = new TreeMap<>(); // offset -> deleted, the model of the session
        final Map<String, Long> consumed = new HashMap<>(Map.of("client", 0L));
        final Set<Long> arrivedDeleted = new HashSet<>();
        final Map<Long, Integer> emissions = new HashMap<>();
        int appended = 0;
        for (int step = 0; step < 1_500; step++) {
            final int op = random.nextInt(100);
            if (op < 55 || appended == 0) {
                final boolean arrivesDeleted = random.nextInt(20) == 0;
                test.raw.pipeInput("s", Intents.event("s", "e" + appended, "RID(s)::t", arrivesDeleted));
                deleted.put((long) appended, arrivesDeleted);
                if (arrivesDeleted) {
                    arrivedDeleted.add((long) appended);
                }
                appended++;
            } else if (op < 65) {
                final long offset = random.nextInt(appended);
                test.raw.pipeInput("s", Intents.deleteEvent("s", "e" + offset));
                deleted.put(offset, true);
            } else if (op < 70) {
                final long from = appended - 1 - random.nextInt(Math.min(appended, 40));
                test.raw.pipeInput("s", Intents.deleteFrom("s", from));
                deleted.tailMap(from, true).replaceAll((offset, was) -> true);
            } else {
                final String consumer = consumers.get(random.nextInt(consumers.size()));
                final long offset = random.nextInt(appended + 3) - 2;
                test.raw.pipeInput("s", Intents.consumed("s", consumer, offset));
                consumed.put(consumer, offset);
            }
            if (random.nextInt(4) == 0) {
                test.driver.advanceWallClockTime(STEP_INTERVAL);
            }
            drain(emissions);
            final SessionView view = lastView();
            for (final Map.Entry<String, Long> entry : consumed.entrySet()) {
                assertEquals(bruteForceUnread(deleted, entry.getValue()), view.getUnreadCounts().get(entry.getKey()),
                        "unread of " + entry.getKey() + " at " + entry.getValue() + " after step " + step);
            }
            assertEquals(deleted.values().stream().filter(d -> d).count(), view.getDeletedCount(), "deleted count after step " + step);
            assertPendingDeletesTellReadersTheTruth(view, deleted, arrivedDeleted, emissions, step);
        }
        for (int i = 0; i < 1_000 && hasPendingTailDeletes(); i++) {
            test.driver.advanceWallClockTime(STEP_INTERVAL);
        }
        drain(emissions);
        deleted.forEach((offset, isDeleted) -> {
            final int expected = isDeleted && !arrivedDeleted.contains(offset) ? 2 : 1;
            assertEquals(expected, emissions.get(offset), "emissions of offset " + offset
                    + (expected == 2 ? ": stamped, then re-emitted deleted once" : ": stamped once, never re-emitted"));
        });
    }

    @Test
    void aLongTailDeleteCountsAtOnceAndReEmitsInStepsWhileOtherSessionsAreStampedAtOnce() {
        start(STEP);
        for (int i = 0; i < 50; i++) {
            test.raw.pipeInput("long", Intents.event("long", "e" + i));
        }
        test.events.readValuesToList();
        test.raw.pipeInput("long", Intents.deleteFrom("long", 0));

        final SessionView view = lastView();
        assertEquals(50, view.getDeletedCount(), "the view counts the delete at once");
        assertEquals(List.of(new OffsetRange(0L, 49L)), view.getPendingDeletes(), "and tells readers what it deleted");
        assertEquals(0L, view.getUnreadCounts().get("client"));
        assertTrue(test.events.isEmpty(), "a session longer than a step is not re-emitted within the delete's record");

        test.raw.pipeInput("other", Intents.event("other", "o1"));
        final StampedEvent other = test.events.readValue();
        assertEquals("other", other.getSessionKey(), "another session's event is stamped at once");

        final Set<Long> reEmitted = new HashSet<>();
        int steps = 0;
        while (reEmitted.size() < 50) {
            test.driver.advanceWallClockTime(STEP_INTERVAL);
            final List<StampedEvent> step = test.events.readValuesToList();
            assertTrue(step.size() <= STEP, "one step reads at most " + STEP + " events: " + step.size());
            step.forEach(event -> {
                assertTrue(event.getEvent().getDeleted());
                assertTrue(reEmitted.add(event.getOffset()), "offset " + event.getOffset() + " re-emitted twice");
            });
            assertTrue(++steps < 100, "the walk ends");
        }
        assertFalse(hasPendingTailDeletes());
        assertEquals(List.of(), lastView().getPendingDeletes(), "every deleted event re-emitted: nothing left pending");
        test.raw.pipeInput("long", Intents.event("long", "after"));
        assertEquals(50, test.events.readValue().getOffset(), "the next event takes the next offset");
    }

    @Test
    void aSessionDeletedBeforeTheIndexExistedIsIndexedFromItsEventsAtItsNextPatch() {
        start(2000);
        for (int i = 0; i < 10; i++) {
            test.raw.pipeInput("old", Intents.event("old", "e" + i));
        }
        test.raw.pipeInput("old", Intents.deleteFrom("old", 6));
        test.raw.pipeInput("old", Intents.deleteEvent("old", "e2"));
        // The state an earlier version left: deleted events in the events store, nothing in the index.
        final KeyValueStore<Bytes, Long> index = test.driver.getKeyValueStore(ProcessorNames.DELETED_OFFSETS_STORE);
        final List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, Long> all = index.all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        keys.forEach(index::delete);

        test.raw.pipeInput("old", Intents.consumed("old", "client", 1));
        assertEquals(3L, lastView().getUnreadCounts().get("client"), "offsets 3, 4 and 5: 2..9 above 1, less 2 and 6..9 deleted");
        final List<KeyValue<Long, Long>> ranges = new ArrayList<>();
        try (KeyValueIterator<Bytes, Long> all = index.range(SessionOffsetKey.of("old", 0), SessionOffsetKey.to("old"))) {
            all.forEachRemaining(entry -> ranges.add(KeyValue.pair(SessionOffsetKey.offset(entry.key), entry.value)));
        }
        assertEquals(List.of(KeyValue.pair(2L, 2L), KeyValue.pair(6L, 9L)), ranges, "indexed from the stored events");
    }

    /**
     * A reader of the view and the events topic so far learns exactly which events are deleted: every offset in the
     * view's pending deletes is deleted, and every deleted event not yet re-emitted deleted is in one of them.
     */
    private static void assertPendingDeletesTellReadersTheTruth(final SessionView view, final TreeMap<Long, Boolean> deleted,
            final Set<Long> arrivedDeleted, final Map<Long, Integer> emissions, final int step) {
        for (final OffsetRange range : view.getPendingDeletes()) {
            for (long offset = range.getFirst(); offset <= range.getLast(); offset++) {
                assertTrue(deleted.get(offset), "offset " + offset + " is pending deletion but not deleted, after step " + step);
            }
        }
        deleted.forEach((offset, isDeleted) -> {
            if (isDeleted && !arrivedDeleted.contains(offset) && emissions.getOrDefault(offset, 0) < 2) {
                assertTrue(PendingDeletes.covering(view.getPendingDeletes(), offset) != null, "offset " + offset
                        + " is deleted, not re-emitted yet, and not in the view's pending deletes, after step " + step);
            }
        });
    }

    private static long bruteForceUnread(final TreeMap<Long, Boolean> deleted, final long consumed) {
        return deleted.tailMap(consumed, false).values().stream().filter(isDeleted -> !isDeleted).count();
    }

    /** Counts each offset's emissions; every emission after an event's stamping must say it is deleted. */
    private void drain(final Map<Long, Integer> emissions) {
        for (final StampedEvent event : test.events.readValuesToList()) {
            if (emissions.merge(event.getOffset(), 1, Integer::sum) > 1) {
                assertTrue(event.getEvent().getDeleted(), "a re-emission of offset " + event.getOffset() + " is a delete");
            }
        }
    }

    private boolean hasPendingTailDeletes() {
        final KeyValueStore<String, byte[]> pending = test.driver.getKeyValueStore(ProcessorNames.TAIL_DELETES_STORE);
        try (KeyValueIterator<String, byte[]> all = pending.all()) {
            return all.hasNext();
        }
    }

    private SessionView lastView() {
        final List<SessionView> views = test.sessions.readValuesToList();
        assertFalse(views.isEmpty(), "a view was written");
        return views.get(views.size() - 1);
    }
}
