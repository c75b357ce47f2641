package io.sessionlog.projections.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class SessionUpdatesTest {

    private final SessionUpdates updates = new SessionUpdates();

    @Test
    void tenThousandTimedOutWaitsLeaveNothingBehind() {
        final List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            // Half on one quiet session, half on ids nobody writes to: neither ever gets an event.
            waits.add(updates.next(i % 2 == 0 ? "quiet" : "made-up-" + i).orTimeout(1, TimeUnit.MILLISECONDS));
        }
        waits.forEach(wait -> assertThrows(ExecutionException.class, wait::get));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> updates.waiters() == 0);
    }

    @Test
    void aCancelledWaitIsReleasedAndTheOthersAreStillWoken() throws Exception {
        final CompletableFuture<Void> cancelled = updates.next("s");
        final CompletableFuture<Void> waiting = updates.next("s");
        cancelled.cancel(false);
        assertEquals(1, updates.waiters());

        updates.applied("s");

        waiting.get(5, TimeUnit.SECONDS);
        assertEquals(0, updates.waiters());
    }

    @Test
    void aWaitTakenAfterAnUpdateWaitsForTheNextOne() {
        updates.next("s");
        updates.applied("s");
        final CompletableFuture<Void> later = updates.next("s");
        assertFalse(later.isDone());
        later.cancel(false);
        assertEquals(0, updates.waiters());
    }
}
