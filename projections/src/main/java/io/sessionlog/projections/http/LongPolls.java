package io.sessionlog.projections.http;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.sessionlog.projections.query.EventFilter;
import io.sessionlog.projections.query.Route;
import io.sessionlog.projections.query.SessionQueries;
import io.sessionlog.projections.query.SessionUpdates;
import io.sessionlog.schemas.avro.StampedEvent;

/** {@code wait_for_data}: a read that waits, without a thread, until a matching event of its session is applied. */
final class LongPolls {

    private final SessionQueries queries;
    private final SessionUpdates updates;

    LongPolls(final SessionQueries queries, final SessionUpdates updates) {
        this.queries = queries;
        this.updates = updates;
    }

    /**
     * Waits for the first matching event: registers for the session's next update before reading the store (so an
     * update in between is not missed), and reads again only when the projection applied an event of the session.
     */
    CompletableFuture<List<StampedEvent>> awaitMatching(final String id, final EventFilter filter,
                                                                final Route.Local where, final long deadline) {
        final CompletableFuture<Void> update = updates.next(id);
        final List<StampedEvent> events = Queryable.queryable(() -> queries.events(id, filter, where));
        final long left = deadline - System.nanoTime();
        if (!events.isEmpty() || left <= 0) {
            return CompletableFuture.completedFuture(events);
        }
        // The timeout is set on the wait itself, so that a poll that times out releases it (SessionUpdates).
        return update.orTimeout(left, TimeUnit.NANOSECONDS).handle((ignored, timedOut) -> timedOut == null)
                .thenCompose(updated -> updated ? awaitMatching(id, filter, where, deadline)
                        : CompletableFuture.completedFuture(List.of()));
    }
}
