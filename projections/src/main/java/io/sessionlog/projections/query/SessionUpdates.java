package io.sessionlog.projections.query;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * Wakes the readers waiting on a session (long-polls, SSE streams) when the projection applies an event of it: a
 * reader takes {@link #next} before it reads the store, so an event applied in between is never missed, and sleeps
 * until the update itself, not a timer. Waiters are woken on a thread of their own, never on the stream thread.
 *
 * <p>Each wait is a future of its own, forgotten as soon as it completes in any way: woken, timed out
 * ({@code orTimeout}) or cancelled. A session nobody waits on holds nothing, so polls that time out, on sessions that
 * never get an event or on ids made up by the caller, leave nothing behind.
 */
public final class SessionUpdates {

    private final ConcurrentHashMap<String, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();
    private final Executor wakeUps = Executors.newCachedThreadPool(runnable -> {
        final Thread thread = new Thread(runnable, "session-updates");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * Completes when the next event of the session is applied. The caller ends the wait it no longer needs: a timeout
     * ({@code orTimeout}, {@code completeOnTimeout}) or {@code cancel} releases it.
     */
    public CompletableFuture<Void> next(final String sessionKey) {
        final CompletableFuture<Void> wait = new CompletableFuture<>();
        waiting.compute(sessionKey, (key, waits) -> {
            final Set<CompletableFuture<Void>> all = waits != null ? waits : ConcurrentHashMap.newKeySet();
            all.add(wait);
            return all;
        });
        wait.whenComplete((ignored, failure) -> release(sessionKey, wait));
        return wait;
    }

    /** Called by the projection right after it stored an event of the session. */
    public void applied(final String sessionKey) {
        final Set<CompletableFuture<Void>> waits = waiting.remove(sessionKey);
        if (waits != null) {
            wakeUps.execute(() -> waits.forEach(wait -> wait.complete(null)));
        }
    }

    /** Waits not yet woken, timed out or cancelled, over every session. */
    public int waiters() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }

    private void release(final String sessionKey, final CompletableFuture<Void> wait) {
        waiting.computeIfPresent(sessionKey, (key, waits) -> {
            waits.remove(wait);
            return waits.isEmpty() ? null : waits;
        });
    }
}
