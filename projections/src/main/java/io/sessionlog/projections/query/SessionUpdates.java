package io.sessionlog.projections.query;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * Wakes the readers waiting on a session (long-polls, SSE streams) when the projection applies an event of it: a
 * reader takes {@link #next} before it reads the store, so an event applied in between is never missed, and sleeps
 * until the update itself, not a timer. Waiters are woken on a thread of their own, never on the stream thread.
 */
public final class SessionUpdates {

    private final ConcurrentHashMap<String, CompletableFuture<Void>> next = new ConcurrentHashMap<>();
    private final Executor wakeUps = Executors.newCachedThreadPool(runnable -> {
        final Thread thread = new Thread(runnable, "session-updates");
        thread.setDaemon(true);
        return thread;
    });

    /** Completes when the next event of the session is applied. */
    public CompletableFuture<Void> next(final String sessionKey) {
        return next.computeIfAbsent(sessionKey, k -> new CompletableFuture<>());
    }

    /** Called by the projection right after it stored an event of the session. */
    public void applied(final String sessionKey) {
        final CompletableFuture<Void> waiting = next.remove(sessionKey);
        if (waiting != null) {
            waiting.completeAsync(() -> null, wakeUps);
        }
    }
}
