package io.sessionlog.projections.http;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import io.sessionlog.http.FieldError;
import io.sessionlog.http.Json;
import io.sessionlog.http.Problem;
import io.sessionlog.http.Problems;
import io.sessionlog.http.Scope;
import io.sessionlog.projections.ProjectionNames;
import io.sessionlog.projections.query.EventFilter;
import io.sessionlog.schemas.CorrelationIds;
import io.sessionlog.projections.query.Route;
import io.sessionlog.projections.query.Router;
import io.sessionlog.projections.query.SessionQueries;
import io.sessionlog.projections.query.SessionUpdates;
import io.sessionlog.schemas.avro.StampedEvent;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read routes of contract §5. Any instance answers any session: the owner of its partition answers from its
 * local stores, others forward to it. A store that is not queryable answers 503 with Retry-After, never an empty
 * list; {@code allow_stale=true} lets a standby copy answer instead.
 */
public final class QueryRoutes {

    public static final String SESSIONS = "/v1/sessions";
    public static final String SESSION = "/v1/sessions/{session_id}";
    public static final String EVENTS_OF_SESSION = "/v1/sessions/{session_id}/events";
    public static final String EVENT_OF_SESSION = "/v1/sessions/{session_id}/events/{event_id}";
    public static final String INSTANCES = "/v1/instances";
    public static final String CORRELATION = "/v1/correlations/{correlation_id}";
    private static final Logger LOG = LoggerFactory.getLogger(QueryRoutes.class);
    /** Set on an answer read from a standby copy ({@code allow_stale=true}), which may lag the active copy. */
    public static final String STALE_HEADER = "Sessionlog-Stale";
    private static final int MAX_WAIT_SECONDS = 600;

    private final SessionQueries queries;
    private final Router router;
    private final SessionUpdates updates;
    private final Forwarder forwarder;
    private final int maxSseStreams;
    private final Duration sseHeartbeat;
    private final java.util.concurrent.Semaphore sseStreams;
    private final ExecutorService streams = Executors.newCachedThreadPool(runnable -> {
        final Thread thread = new Thread(runnable, "sse-stream");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param scheme how instances reach each other: {@code http}, or {@code https} when the API is served over TLS
     * @param maxSseStreams event streams this instance serves at once
     * @param sseHeartbeat how long an idle stream waits before a comment keeps it open, and finds a client gone
     */
    public QueryRoutes(final SessionQueries queries, final Router router, final SessionUpdates updates, final String scheme,
                       final int maxSseStreams, final Duration sseHeartbeat) {
        this.forwarder = new Forwarder(scheme);
        this.sseHeartbeat = sseHeartbeat;
        this.maxSseStreams = maxSseStreams;
        this.sseStreams = new java.util.concurrent.Semaphore(maxSseStreams);
        this.queries = queries;
        this.router = router;
        this.updates = updates;
    }

    public void register(final Javalin app) {
        app.get(SESSIONS, this::listSessions, Scope.READ);
        app.get(SESSION, this::getSession, Scope.READ);
        app.get(EVENTS_OF_SESSION, this::listEvents, Scope.READ);
        app.get(EVENT_OF_SESSION, this::getEvent, Scope.READ);
        app.get(INSTANCES, this::listInstances, Scope.READ);
        app.get(CORRELATION, this::getCorrelation, Scope.READ);
    }

    private void getSession(final Context ctx) {
        final String id = ctx.pathParam("session_id");
        final boolean stats = csv(ctx.queryParams("include")).contains("stats");
        local(ctx, id, Duration.ofSeconds(30), where -> {
            final ObjectNode dto = queryable(() -> queries.session(id, where)).map(view -> Flux0Dtos.session(view, stats))
                    .orElseThrow(() -> Problem.notFound("session " + id + " is unknown"));
            Json.answer(ctx, 200, dto);
            return null;
        });
    }

    private void getEvent(final Context ctx) {
        final String id = ctx.pathParam("session_id");
        final String eventId = ctx.pathParam("event_id");
        local(ctx, id, Duration.ofSeconds(30), where -> {
            final ObjectNode dto = queryable(() -> queries.event(id, eventId, where)).map(Flux0Dtos::event)
                    .orElseThrow(() -> Problem.notFound("event " + eventId + " is unknown in session " + id));
            Json.answer(ctx, 200, dto);
            return null;
        });
    }

    private void listEvents(final Context ctx) {
        final String id = ctx.pathParam("session_id");
        final EventFilter filter = filter(ctx);
        final int waitSeconds = (int) longParam(ctx, "wait_for_data", 0, 0, MAX_WAIT_SECONDS);
        // Exactly as EventSource sends it, and as Javalin's SseHandler, which starts the stream, requires it.
        final boolean sse = "text/event-stream".equals(ctx.header("Accept"));
        final Route route = route(ctx, ProjectionNames.SESSIONS_STORE, id);
        if (route instanceof Route.Remote remote) {
            if (sse) {
                // A stream is served by the owner itself: EventSource clients follow the redirect.
                ctx.redirect(forwarder.url(remote.hostPort(), ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString())),
                        io.javalin.http.HttpStatus.TEMPORARY_REDIRECT);
                return;
            }
            forwarder.forward(ctx, remote.hostPort(), Duration.ofSeconds(waitSeconds + 30L));
            return;
        }
        final Route.Local where = (Route.Local) route;
        if (sse) {
            // Each stream holds a thread for as long as its client stays: beyond the bound, 503 and come back later.
            if (!sseStreams.tryAcquire()) {
                throw Problem.unavailable(maxSseStreams + " event streams are open on this instance (http.max.sse.streams); "
                        + "retry, or long-poll with wait_for_data");
            }
            try {
                new SseHandler(client -> stream(client, id, filter, where)).handle(ctx);
            } catch (RuntimeException e) {
                sseStreams.release();
                throw e;
            }
            return;
        }
        final List<StampedEvent> now = queryable(() -> queries.events(id, filter, where));
        if (!now.isEmpty() || waitSeconds == 0) {
            answerEvents(ctx, now);
            return;
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        ctx.future(() -> awaitMatching(id, filter, where, deadline).handle((events, failure) -> {
            if (failure != null) {
                Problems.write(ctx, failure.getCause() instanceof Problem p ? p : notQueryable(failure));
            } else if (events.isEmpty()) {
                Problems.write(ctx, new Problem(504, "Gateway Timeout", "no matching event within " + waitSeconds
                        + " s (wait_for_data)", List.of(), Map.of()));
            } else {
                answerEvents(ctx, events);
            }
            return null;
        }));
    }

    /**
     * Waits for the first matching event: registers for the session's next update before reading the store (so an
     * update in between is not missed), and reads again only when the projection applied an event of the session.
     */
    private CompletableFuture<List<StampedEvent>> awaitMatching(final String id, final EventFilter filter,
                                                                final Route.Local where, final long deadline) {
        final CompletableFuture<Void> update = updates.next(id);
        final List<StampedEvent> events = queryable(() -> queries.events(id, filter, where));
        final long left = deadline - System.nanoTime();
        if (!events.isEmpty() || left <= 0) {
            return CompletableFuture.completedFuture(events);
        }
        // The timeout is set on the wait itself, so that a poll that times out releases it (SessionUpdates).
        return update.orTimeout(left, TimeUnit.NANOSECONDS).handle((ignored, timedOut) -> timedOut == null)
                .thenCompose(updated -> updated ? awaitMatching(id, filter, where, deadline)
                        : CompletableFuture.completedFuture(List.of()));
    }

    /**
     * Server-Sent Events: every matching event from min_offset on, in offset order, as {@code data: <EventDTO>} with
     * the offset as event id (a reconnect with Last-Event-ID resumes after it), then each new one as it is applied;
     * a comment every heartbeat (http.sse.heartbeat.ms) keeps idle connections open; the stream ends when the client goes away.
     */
    private void stream(final SseClient client, final String id, final EventFilter filter, final Route.Local where) {
        client.keepAlive();
        final String lastEventId = client.ctx().header("Last-Event-ID");
        // The offset after the last one seen; Long.MAX_VALUE stays itself (no event can follow it) instead of wrapping to 0.
        final long lastSeen = lastEventId == null ? filter.minOffset() - 1 : parseOrDefault(lastEventId, filter.minOffset() - 1);
        final long resumeFrom = lastSeen == Long.MAX_VALUE ? Long.MAX_VALUE : lastSeen + 1;
        streams.execute(() -> {
            long next = Math.max(resumeFrom, filter.minOffset());
            try {
                while (!client.terminated()) {
                    final CompletableFuture<Void> update = updates.next(id);
                    try {
                        final List<StampedEvent> batch = queries.events(id, filter.from(next), where);
                        for (final StampedEvent event : batch) {
                            client.sendEvent("message", Flux0Dtos.event(event).toString(), String.valueOf(event.getOffset()));
                            next = event.getOffset() + 1;
                        }
                        if (batch.isEmpty()) {
                            try {
                                update.get(sseHeartbeat.toMillis(), TimeUnit.MILLISECONDS);
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
                sseStreams.release();
            }
        });
    }

    /**
     * Sessions of an agent and/or a user (or all), ordered by id, paged by cursor: {@code {"data": [SessionDTO],
     * "next_cursor": id|null}}. Sessions live in every partition, so this instance gathers one page from every
     * instance ({@code scope=local} answers for its own partitions) and merges them; an instance that cannot answer
     * makes the answer 503, never a partial list.
     */
    private void listSessions(final Context ctx) {
        final String agentId = ctx.queryParam("agent_id");
        final String userId = ctx.queryParam("user_id");
        final String cursor = ctx.queryParam("cursor");
        final int limit = (int) longParam(ctx, "limit", 100, 1, 1_000);
        final boolean stats = csv(ctx.queryParams("include")).contains("stats");
        if ("local".equals(ctx.queryParam("scope"))) {
            Json.answer(ctx, 200, localPage(agentId, userId, cursor, limit, stats));
            return;
        }
        final String query = ctx.queryString() == null ? "scope=local" : ctx.queryString() + "&scope=local";
        final java.util.TreeMap<String, com.fasterxml.jackson.databind.JsonNode> merged = new java.util.TreeMap<>();
        boolean morePossible = false;
        for (final Router.Instance instance : router.instances()) {
            final com.fasterxml.jackson.databind.JsonNode page = instance.self()
                    ? localPage(agentId, userId, cursor, limit, stats)
                    : forwarder.get(instance.hostPort(), ctx.path() + "?" + query, ctx.header("Authorization"));
            page.get("data").forEach(session -> merged.put(session.get("id").asText(), session));
            morePossible |= page.get("data").size() >= limit;
        }
        final ObjectNode body = Json.MAPPER.createObjectNode();
        final ArrayNode data = body.putArray("data");
        merged.values().stream().limit(limit).forEach(data::add);
        final boolean more = merged.size() > limit || (morePossible && merged.size() == limit);
        body.put("next_cursor", more ? data.get(data.size() - 1).get("id").asText() : null);
        Json.answer(ctx, 200, body);
    }

    private com.fasterxml.jackson.databind.JsonNode localPage(final String agentId, final String userId, final String cursor,
                                                              final int limit, final boolean stats) {
        final ArrayNode data = Json.MAPPER.createArrayNode();
        queryable(() -> queries.sessions(agentId, userId, cursor, limit, Route.Local.EVERY_LOCAL_PARTITION))
                .forEach(view -> data.add(Flux0Dtos.session(view, stats)));
        return Json.MAPPER.createObjectNode().set("data", data);
    }

    /**
     * Every event with this correlation id across sessions ({@code ?root=true}: every event whose correlation root is
     * this id), as {@code {"data": [{"session_id", "event": EventDTO}]}}: EventDTO names no session.
     */
    private void getCorrelation(final Context ctx) {
        final String id = ctx.pathParam("correlation_id");
        final boolean byRoot = "true".equals(ctx.queryParam("root"));
        final String root = byRoot ? id : CorrelationIds.root(id);
        final boolean includeDeleted = includeDeleted(ctx);
        final int limit = (int) longParam(ctx, "limit", EventFilter.MAX_LIMIT, 1, EventFilter.MAX_LIMIT);
        final Route route = route(ctx, ProjectionNames.CORRELATIONS_STORE, root);
        if (route instanceof Route.Remote remote) {
            forwarder.forward(ctx, remote.hostPort(), Duration.ofSeconds(30));
            return;
        }
        final List<StampedEvent> events = queryable(() -> queries.correlated(root, byRoot ? null : id, includeDeleted,
                limit, (Route.Local) route));
        final ObjectNode body = Json.MAPPER.createObjectNode();
        final ArrayNode data = body.putArray("data");
        events.forEach(e -> data.addObject().put("session_id", e.getSessionKey()).set("event", Flux0Dtos.event(e)));
        Json.answer(ctx, 200, body);
    }

    private void listInstances(final Context ctx) {
        final ArrayNode body = Json.MAPPER.createArrayNode();
        for (final Router.Instance instance : router.instances()) {
            final ObjectNode node = body.addObject().put("host", instance.hostPort()).put("self", instance.self());
            instance.active().forEach(node.putArray("active")::add);
            instance.standby().forEach(node.putArray("standby")::add);
        }
        Json.answer(ctx, 200, Json.MAPPER.createObjectNode().set("data", body));
    }

    /** Runs {@code answer} here when this instance holds the session, else forwards the request to the one that does. */
    private void local(final Context ctx, final String id, final Duration timeout, final Function<Route.Local, Void> answer) {
        final Route route = route(ctx, ProjectionNames.SESSIONS_STORE, id);
        if (route instanceof Route.Remote remote) {
            forwarder.forward(ctx, remote.hostPort(), timeout);
        } else {
            answer.apply((Route.Local) route);
        }
    }

    private Route route(final Context ctx, final String store, final String key) {
        final boolean allowStale = "true".equals(ctx.queryParam("allow_stale"));
        final Route route = router.route(store, key, allowStale);
        if (route instanceof Route.Unavailable unavailable) {
            throw Problem.unavailable(unavailable.why() + "; retry");
        }
        if (route instanceof Route.Local local && local.stale()) {
            // A standby copy answers: it may lag the active one, and the caller is told so.
            ctx.header(STALE_HEADER, "true");
        }
        return route;
    }

    private static void answerEvents(final Context ctx, final List<StampedEvent> events) {
        final ObjectNode body = Json.MAPPER.createObjectNode();
        final ArrayNode data = body.putArray("data");
        events.forEach(e -> data.add(Flux0Dtos.event(e)));
        Json.answer(ctx, 200, body);
    }

    /** While a store is not queryable (rebalance, restore) the answer is 503, never a wrong empty answer. */
    private static <T> T queryable(final java.util.function.Supplier<T> query) {
        try {
            return query.get();
        } catch (InvalidStateStoreException e) {
            throw notQueryable(e);
        }
    }

    private static Problem notQueryable(final Throwable e) {
        return Problem.unavailable("the store is not queryable right now (" + e.getMessage() + "); retry");
    }

    private static EventFilter filter(final Context ctx) {
        final long minOffset = longParam(ctx, "min_offset", 0, 0, Long.MAX_VALUE);
        final int limit = (int) longParam(ctx, "limit", EventFilter.MAX_LIMIT, 1, EventFilter.MAX_LIMIT);
        return new EventFilter(minOffset, csv(ctx.queryParams("types")), ctx.queryParam("source"),
                ctx.queryParam("correlation_id"), ctx.queryParam("correlation_root"), includeDeleted(ctx), limit);
    }

    private static boolean includeDeleted(final Context ctx) {
        final String includeDeleted = ctx.queryParam("include_deleted");
        if (includeDeleted != null && !includeDeleted.equals("true") && !includeDeleted.equals("false")) {
            throw Problem.badRequest("invalid query parameter", List.of(new FieldError(0, "include_deleted", "must be true or false")));
        }
        return "true".equals(includeDeleted);
    }

    private static long longParam(final Context ctx, final String name, final long fallback, final long min, final long max) {
        final String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            final long value = Long.parseLong(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Problem.badRequest("invalid query parameter " + name, List.of(new FieldError(0, name,
                "must be an integer from " + min + " to " + max)));
    }

    private static long parseOrDefault(final String text, final long fallback) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Repeated or comma-separated values ({@code ?types=message&types=tool} or {@code ?types=message,tool}). */
    private static Set<String> csv(final List<String> values) {
        final Set<String> result = new LinkedHashSet<>();
        values.forEach(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(result::add));
        return result;
    }
}
