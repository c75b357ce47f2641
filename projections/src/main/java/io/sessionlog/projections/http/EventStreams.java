package io.sessionlog.projections.http;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import io.sessionlog.http.Problem;
import io.sessionlog.projections.query.EventFilter;
import io.sessionlog.projections.query.Route;
import io.sessionlog.projections.query.SessionQueries;
import io.sessionlog.projections.query.SessionUpdates;
import io.sessionlog.schemas.avro.StampedEvent;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Server-Sent Event streams of a session's events, at most {@code maxStreams} at once on this instance. */
final class EventStreams {

    private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);

    private final SessionQueries queries;
    private final SessionUpdates updates;
    private final int maxStreams;
    private final Semaphore slots;
    private final Duration heartbeat;
    private final ExecutorService streams = Executors.newCachedThreadPool(runnable -> {
        final Thread thread = new Thread(runnable, "sse-stream");
        thread.setDaemon(true);
        return thread;
    });

    EventStreams(final SessionQueries queries, final SessionUpdates updates, final int maxStreams, final Duration heartbeat) {
        this.queries = queries;
        this.updates = updates;
        this.maxStreams = maxStreams;
        this.slots = new Semaphore(maxStreams);
        this.heartbeat = heartbeat;
    }

    /** Whether a request asks for a stream: exactly as EventSource sends it, and as Javalin's SseHandler requires. */
    static boolean wanted(final Context ctx) {
        return "text/event-stream".equals(ctx.header("Accept"));
    }

    /** Starts a stream of this instance's own session; beyond the bound, 503 and come back later. */
    void serve(final Context ctx, final String id, final EventFilter filter, final Route.Local where,
               final Function<StampedEvent, ObjectNode> shape) {
        // Each stream holds a thread for as long as its client stays.
        if (!slots.tryAcquire()) {
            throw Problem.unavailable(maxStreams + " event streams are open on this instance (http.max.sse.streams); "
                    + "retry, or long-poll with wait_for_data");
        }
        try {
            new SseHandler(client -> stream(client, id, filter, where, shape)).handle(ctx);
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
    }

    /**
     * Server-Sent Events: every matching event from min_offset on, in offset order, as {@code data: <EventDTO>} with
     * the offset as event id (a reconnect with Last-Event-ID resumes after it), then each new one as it is applied;
     * a comment every heartbeat (http.sse.heartbeat.ms) keeps idle connections open; the stream ends when the client goes away.
     */
    private void stream(final SseClient client, final String id, final EventFilter filter, final Route.Local where,
                        final Function<StampedEvent, ObjectNode> shape) {
        client.keepAlive();
        final String lastEventId = client.ctx().header("Last-Event-ID");
        // The offset after the last one seen; Long.MAX_VALUE stays itself (no event can follow it) instead of wrapping to 0.
        final long lastSeen = lastEventId == null ? filter.minOffset() - 1 : QueryParams.parseOrDefault(lastEventId, filter.minOffset() - 1);
        final long resumeFrom = lastSeen == Long.MAX_VALUE ? Long.MAX_VALUE : lastSeen + 1;
        streams.execute(() -> {
            long next = Math.max(resumeFrom, filter.minOffset());
            try {
                while (!client.terminated()) {
                    final CompletableFuture<Void> update = updates.next(id);
                    try {
                        final List<StampedEvent> batch = queries.events(id, filter.from(next), where);
                        for (final StampedEvent event : batch) {
                            client.sendEvent("message", shape.apply(event).toString(), String.valueOf(event.getOffset()));
                            next = event.getOffset() + 1;
                        }
                        if (batch.isEmpty()) {
                            try {
                                update.get(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
                            } catch (java.util.concurrent.TimeoutException idle) {
                                client.sendComment("heartbeat");
                            }
                        }
                    } finally {
                        update.cancel(false);
                    }
                }
            } catch (InvalidStateStoreException e) {
                LOG.info("SSE stream of session {} ends: its store moved ({}); the client reconnects with Last-Event-ID", id, e.getMessage());
            } catch (Exception e) {
                LOG.debug("SSE stream of session {} ends: {}", id, e.toString());
            } finally {
                client.close();
                slots.release();
            }
        });
    }
}
