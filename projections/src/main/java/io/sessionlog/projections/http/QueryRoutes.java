package io.sessionlog.projections.http;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.sessionlog.http.FieldError;
import io.sessionlog.http.Json;
import io.sessionlog.http.Problem;
import io.sessionlog.http.Scope;
import io.sessionlog.projections.query.EventFilter;
import io.sessionlog.projections.query.SessionQueries;
import io.sessionlog.schemas.avro.StampedEvent;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/** The read routes of contract §5, answered from the local stores. */
public final class QueryRoutes {

    public static final String SESSION = "/v1/sessions/{session_id}";
    public static final String EVENTS_OF_SESSION = "/v1/sessions/{session_id}/events";
    public static final String EVENT_OF_SESSION = "/v1/sessions/{session_id}/events/{event_id}";
    private static final int RETRY_AFTER_SECONDS = 1;

    private final SessionQueries queries;

    public QueryRoutes(final SessionQueries queries) {
        this.queries = queries;
    }

    public void register(final Javalin app) {
        app.get(SESSION, this::getSession, Scope.READ);
        app.get(EVENTS_OF_SESSION, this::listEvents, Scope.READ);
        app.get(EVENT_OF_SESSION, this::getEvent, Scope.READ);
    }

    private void getSession(final Context ctx) {
        final String id = ctx.pathParam("session_id");
        final boolean stats = csv(ctx.queryParams("include")).contains("stats");
        final ObjectNode dto = queryable(() -> queries.session(id)).map(view -> Flux0Dtos.session(view, stats))
                .orElseThrow(() -> Problem.notFound("session " + id + " is unknown"));
        Json.answer(ctx, 200, dto);
    }

    private void listEvents(final Context ctx) {
        final String id = ctx.pathParam("session_id");
        final EventFilter filter = filter(ctx);
        final List<StampedEvent> events = queryable(() -> queries.events(id, filter));
        final ObjectNode body = Json.MAPPER.createObjectNode();
        final ArrayNode data = body.putArray("data");
        events.forEach(e -> data.add(Flux0Dtos.event(e)));
        Json.answer(ctx, 200, body);
    }

    private void getEvent(final Context ctx) {
        final String id = ctx.pathParam("session_id");
        final String eventId = ctx.pathParam("event_id");
        final ObjectNode dto = queryable(() -> queries.event(id, eventId)).map(Flux0Dtos::event)
                .orElseThrow(() -> Problem.notFound("event " + eventId + " is unknown in session " + id));
        Json.answer(ctx, 200, dto);
    }

    /** While a store is not queryable (rebalance, restore) the answer is 503, never a wrong empty answer. */
    private static <T> T queryable(final Supplier<T> query) {
        try {
            return query.get();
        } catch (InvalidStateStoreException e) {
            throw Problem.unavailable("the store is not queryable right now (" + e.getMessage() + "); retry", RETRY_AFTER_SECONDS);
        }
    }

    private static EventFilter filter(final Context ctx) {
        final List<FieldError> errors = new java.util.ArrayList<>();
        final long minOffset = longParam(ctx, "min_offset", 0, 0, Long.MAX_VALUE, errors);
        final int limit = (int) longParam(ctx, "limit", EventFilter.MAX_LIMIT, 1, EventFilter.MAX_LIMIT, errors);
        final String includeDeleted = ctx.queryParam("include_deleted");
        if (includeDeleted != null && !includeDeleted.equals("true") && !includeDeleted.equals("false")) {
            errors.add(new FieldError(0, "include_deleted", "must be true or false"));
        }
        if (!errors.isEmpty()) {
            throw Problem.badRequest("invalid query parameters", errors);
        }
        return new EventFilter(minOffset, csv(ctx.queryParams("types")), ctx.queryParam("source"),
                ctx.queryParam("correlation_id"), ctx.queryParam("correlation_root"), "true".equals(includeDeleted), limit);
    }

    private static long longParam(final Context ctx, final String name, final long fallback, final long min, final long max,
                                  final List<FieldError> errors) {
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
        errors.add(new FieldError(0, name, "must be an integer from " + min + " to " + max));
        return fallback;
    }

    /** Repeated or comma-separated values ({@code ?types=message&types=tool} or {@code ?types=message,tool}). */
    private static Set<String> csv(final List<String> values) {
        final Set<String> result = new LinkedHashSet<>();
        values.forEach(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(result::add));
        return result;
    }
}
