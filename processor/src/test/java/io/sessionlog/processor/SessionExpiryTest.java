package io.sessionlog.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.sessionlog.schemas.avro.StampedEvent;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sessions.ttl.ms}: a session idle longer than the ttl, by the processor's clock, is removed as a hard delete removes it. */
class SessionExpiryTest {

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ALWAYS)
    Path stateDir;

    private ProcessorTestDriver test;

    @AfterEach
    void stop() {
        if (test != null) {
            test.close();
        }
    }

    @Test
    void aSessionIdleLongerThanTheTtlIsRemovedAndOneWrittenToMeanwhileStays() {
        test = new ProcessorTestDriver("expiry-test", stateDir, Map.of(ProcessorConfig.SESSIONS_TTL_MS, 60_000L,
                ProcessorConfig.EXPIRY_STEP_SESSIONS, 2));
        for (final String session : List.of("idle", "busy", "patched", "idle-too")) {
            test.raw.pipeInput(session, Intents.event(session, session + "-0"));
        }
        test.events.readRecordsToList();
        test.driver.advanceWallClockTime(Duration.ofSeconds(40));
        test.raw.pipeInput("busy", Intents.event("busy", "busy-1"));
        test.raw.pipeInput("patched", Intents.consumed("patched", "client", 0L));
        test.events.readRecordsToList();
        test.sessions.readRecordsToList();
        assertTrue(tombstones().isEmpty(), "nothing is idle for longer than the ttl yet");

        test.driver.advanceWallClockTime(Duration.ofSeconds(30)); // idle: 70 s; busy and patched: 30 s
        // Two sessions per step; a sweep that ended starts again a tenth of the ttl (6 s) later.
        for (int step = 0; step < 10; step++) {
            test.driver.advanceWallClockTime(Duration.ofSeconds(1));
        }
        assertEquals(Set.of("idle", "idle-too"), tombstones(), "a tombstone on events for each expired session");
        final var views = test.sessions.readRecordsToList();
        assertEquals(Set.of("idle", "idle-too"), views.stream().filter(r -> r.value() == null).map(TestRecord::key)
                .collect(Collectors.toSet()), "and on sessions");
        assertNull(test.driver.<String, byte[]>getKeyValueStore(ProcessorNames.SESSIONS_STORE).get("idle"));
        assertTrue(test.driver.<String, byte[]>getKeyValueStore(ProcessorNames.SESSIONS_STORE).get("busy") != null);
        assertTrue(test.driver.<String, byte[]>getKeyValueStore(ProcessorNames.SESSIONS_STORE).get("patched") != null,
                "a patch is a write: the session is not idle");

        test.raw.pipeInput("idle", Intents.event("idle", "idle-0"));
        final StampedEvent late = test.events.readValue();
        assertEquals(0, late.getOffset(), "a late event starts a new session, not a duplicate of the expired one");
    }

    @Test
    void withoutATtlNoSessionEverExpires() {
        test = new ProcessorTestDriver("expiry-off-test", stateDir, Map.of());
        test.raw.pipeInput("s", Intents.event("s", "a"));
        test.events.readRecordsToList();
        test.driver.advanceWallClockTime(Duration.ofDays(400));
        assertTrue(tombstones().isEmpty());
        assertTrue(test.driver.<String, byte[]>getKeyValueStore(ProcessorNames.SESSIONS_STORE).get("s") != null);
    }

    private Set<String> tombstones() {
        return test.events.readRecordsToList().stream().filter(r -> r.value() == null).map(TestRecord::key).collect(Collectors.toSet());
    }
}
