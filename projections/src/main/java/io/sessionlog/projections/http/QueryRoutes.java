package io.sessionlog.projections.http;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.sessionlog.http.Json;
import io.sessionlog.http.OriginShapes;
import io.sessionlog.http.Paths;
import io.sessionlog.http.Problem;
import io.sessionlog.http.Problems;
import io.sessionlog.http.Scope;
import io.sessionlog.projections.ProjectionNames;
import io.sessionlog.projections.query.EventFilter;
import io.sessionlog.projections.query.KafkaPosition;
import io.sessionlog.projections.query.Route;
import io.sessionlog.projections.query.Router;
import io.sessionlog.projections.query.SessionQueries;
import io.sessionlog.projections.query.SessionUpdates;
import io.sessionlog.schemas.avro.StampedEvent;

/**
 * The read routes of contract §5. Any instance answers any session: the owner of its partition answers from its
 * local stores, others forward to it. A store that is not queryable answers 503 with Retry-After, never an empty
 * list; {@code allow_stale=true} lets a standby copy answer instead.
 */
public final class QueryRoutes {

    /** Set on an answer read from a standby copy ({@code allow_stale=true}), which may lag the active copy. */
    public static final String STALE_HEADER = "Sessionlog-Stale";

    private final SessionQueries queries;
    private final Router router;
    private final Forwarder forwarder;
    private final EventStreams eventStreams;
    private final SessionListing sessionListing;
    private final EventSearchRoutes eventSearch;
    private final StatsRoutes statsRoutes;
    private final InkeepQueryRoutes inkeepQuery;
    private final LongPolls longPolls;
    private final CorrelationRoutes correlations;

    /**
     * @param scheme how instances reach each other: {@code http}, or {@code https} when the API is served over TLS
     * @param maxSseStreams event streams this instance serves at once
     * @param sseHeartbeat how long an idle stream waits before a comment keeps it open, and finds a client gone
     */
    public QueryRoutes(final SessionQueries queries, final Router router, final SessionUpdates updates, final String scheme,
                       final int maxSseStreams, final Duration sseHeartbeat) {
        this.forwarder = new Forwarder(scheme);
        this.queries = queries;
        this.router = router;
        this.eventStreams = new EventStreams(queries, updates, maxSseStreams, sseHeartbeat);
        this.longPolls = new LongPolls(queries, updates);
        this.sessionListing = new SessionListing(queries.walks(), router, forwarder);
        this.eventSearch = new EventSearchRoutes(queries.eventWalks(OriginShapes::sent), router, forwarder);
        this.statsRoutes = new StatsRoutes(queries.stats(), router, forwarder);
        this.correlations = new CorrelationRoutes(queries, router, forwarder);
        this.inkeepQuery = new InkeepQueryRoutes(queries.inkeepAggregator(OriginShapes::sent), router, forwarder);
    }

    public void register(final Javalin app) {
        app.get(Paths.SESSIONS, sessionListing::list, Scope.READ);
        app.get(Paths.EVENTS, eventSearch::list, Scope.READ);
        app.get(Paths.SYLLABLE_EVENTS, eventSearch::listSyllable, Scope.READ);
        app.get(Paths.STATS, statsRoutes::get, Scope.READ);
        app.post(Paths.INKEEP_QUERY_EVENTS, inkeepQuery::queryEvents, Scope.READ);
        app.get(Paths.SESSION, this::getSession, Scope.READ);
        app.get(Paths.SESSION_EVENTS, this::listEvents, Scope.READ);
        app.get(Paths.SESSION_EVENT, this::getEvent, Scope.READ);
        app.get(Paths.INSTANCES, this::listInstances, Scope.READ);
        app.get(Paths.CORRELATION, correlations::get, Scope.READ);
    }

    private void getSession(final Context ctx) {
        final String id = ctx.pathParam("session_id");
        final boolean stats = QueryParams.csv(ctx.queryParams("include")).contains("stats");
        local(ctx, id, Duration.ofSeconds(30), where -> {
            final ObjectNode dto = Queryable.queryable(() -> queries.session(id, where)).map(view -> Flux0Dtos.session(view, stats))
                    .orElseThrow(() -> Problem.notFound("session " + id + " is unknown"));
            Json.answer(ctx, 200, dto);
            return null;
        });
    }

    private void getEvent(final Context ctx) {
        final String id = ctx.pathParam("session_id");
        final String eventId = ctx.pathParam("event_id");
        final boolean asRecord = "record".equals(ctx.queryParam("shape"));
        local(ctx, id, Duration.ofSeconds(30), where -> {
            final StampedEvent event = Queryable.queryable(() -> queries.event(id, eventId, where))
                    .orElseThrow(() -> Problem.notFound("event " + eventId + " is unknown in session " + id));
            Json.answer(ctx, 200, asRecord ? record(event, where) : QueryParams.shape(ctx).apply(event));
            return null;
        });
    }

    /**
     * {@code ?shape=record}: the event as a consumer of the events topic reads it, its topic, partition, offset (when
     * the projection kept it), key and the enriched Avro record's fields.
     */
    private ObjectNode record(final StampedEvent event, final Route.Local where) {
        final java.util.Optional<KafkaPosition> position = Queryable.queryable(() -> queries.position(event, where));
        final ObjectNode answer = Json.MAPPER.createObjectNode().put("topic", router.sourceTopic(ProjectionNames.EVENTS_STORE));
        if (where.partition() >= 0) {
            answer.put("partition", where.partition());
        } else {
            answer.put("partition", position.map(KafkaPosition::partition).orElse(null));
        }
        answer.put("offset", position.map(KafkaPosition::offset).orElse(null));
        answer.put("key", event.getSessionKey());
        answer.set("value", AvroRecordJson.of(event));
        return answer;
    }

    private void listEvents(final Context ctx) {
        final String id = ctx.pathParam("session_id");
        final EventFilter filter = QueryParams.filter(ctx);
        final int waitSeconds = QueryParams.waitSeconds(ctx);
        final boolean sse = EventStreams.wanted(ctx);
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
            eventStreams.serve(ctx, id, filter, where, QueryParams.shape(ctx));
            return;
        }
        final List<StampedEvent> now = Queryable.queryable(() -> queries.events(id, filter, where));
        if (!now.isEmpty() || waitSeconds == 0) {
            if (now.isEmpty() && unknown(id, where)) {
                throw Problem.notFound("session " + id + " is unknown");
            }
            answerEvents(ctx, now);
            return;
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        ctx.future(() -> longPolls.awaitMatching(id, filter, where, deadline).handle((events, failure) -> {
            if (failure != null) {
                Problems.write(ctx, failure.getCause() instanceof Problem p ? p : Queryable.notQueryable(failure));
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
     * Registers {@code DELETE /v1/sessions?agent_id=&user_id=}, the hard delete of an owner's sessions: only where the
     * process also writes to Kafka (the ingest role), which {@code deleter} does.
     */
    public void registerOwnerDeletes(final Javalin app, final SessionDeleter deleter) {
        app.delete(Paths.SESSIONS, new OwnerDeletes(sessionListing, deleter)::delete, Scope.WRITE);
    }

    /**
     * Whether the session has neither a view nor any event here: never created, or hard-deleted. An event can be
     * projected a moment before its session's view (they arrive on two topics), so the events are asked too.
     */
    private boolean unknown(final String id, final Route.Local where) {
        return Queryable.queryable(() -> queries.session(id, where)).isEmpty()
                && Queryable.queryable(() -> queries.events(id, new EventFilter(0, java.util.Set.of(), null, null, null, true, 1), where)).isEmpty();
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
        final var shape = QueryParams.shape(ctx);
        events.forEach(e -> data.add(shape.apply(e)));
        Json.answer(ctx, 200, body);
    }

}
