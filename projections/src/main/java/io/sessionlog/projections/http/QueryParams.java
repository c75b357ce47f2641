package io.sessionlog.projections.http;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.sessionlog.http.FieldError;
import io.sessionlog.http.Problem;
import io.sessionlog.projections.query.EventFilter;
import io.sessionlog.projections.query.Flux0View;
import io.sessionlog.projections.query.SessionFilter;
import io.sessionlog.schemas.avro.Origin;
import io.sessionlog.schemas.avro.StampedEvent;

/** The read routes' query parameters: each parsed one way, a wrong value refused with 400 naming it. */
final class QueryParams {

    /** The longest long-poll a client may ask for ({@code wait_for_data}, seconds). */
    static final int MAX_WAIT_SECONDS = 600;
    /** flux0's session statuses (SessionStatus), the values last_status takes. */
    static final List<String> STATUSES = List.of("acknowledged", "cancelled", "processing", "ready", "typing", "error", "completed");

    private QueryParams() {
    }

    static EventFilter filter(final Context ctx) {
        final long minOffset = longParam(ctx, "min_offset", 0, 0, Long.MAX_VALUE);
        final int limit = (int) longParam(ctx, "limit", EventFilter.MAX_LIMIT, 1, EventFilter.MAX_LIMIT);
        final Set<String> types = csv(ctx.queryParams("types"));
        types.forEach(type -> oneOf("types", type, Flux0View.TYPES));
        final String source = ctx.queryParam("source");
        if (source != null) {
            oneOf("source", source, Flux0View.SOURCES);
        }
        return new EventFilter(minOffset, types, source,
                ctx.queryParam("correlation_id"), ctx.queryParam("correlation_root"), includeDeleted(ctx), limit);
    }

    /** flux0 and Parlant refuse a value outside the enum; a filter that can match nothing would hide the mistake. */
    static void oneOf(final String name, final String value, final List<String> allowed) {
        if (!allowed.contains(value)) {
            throw Problem.badRequest("invalid query parameter " + name, List.of(new FieldError(0, name,
                    "must be one of " + String.join(", ", allowed) + ", not " + value)));
        }
    }

    static boolean includeDeleted(final Context ctx) {
        final String includeDeleted = ctx.queryParam("include_deleted");
        if (includeDeleted != null && !includeDeleted.equals("true") && !includeDeleted.equals("false")) {
            throw Problem.badRequest("invalid query parameter", List.of(new FieldError(0, "include_deleted", "must be true or false")));
        }
        return "true".equals(includeDeleted);
    }

    static long longParam(final Context ctx, final String name, final long fallback, final long min, final long max) {
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

    static long parseOrDefault(final String text, final long fallback) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Repeated or comma-separated values ({@code ?types=message&types=tool} or {@code ?types=message,tool}). */
    static Set<String> csv(final List<String> values) {
        final Set<String> result = new LinkedHashSet<>();
        values.forEach(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(result::add));
        return result;
    }

    /**
     * {@code shape}: {@code flux0} (the default) answers every event as a flux0 EventDTO, {@code origin} as its origin
     * sent it (Flux0Dtos.originEvent).
     */
    static Function<StampedEvent, ObjectNode> shape(final Context ctx) {
        final String shape = ctx.queryParam("shape");
        if (shape == null || shape.equals("flux0")) {
            return Flux0Dtos::event;
        }
        oneOf("shape", shape, List.of("flux0", "origin"));
        return Flux0Dtos::originEvent;
    }

    /** The filters of a session listing, each checked: a wrong value is refused naming its parameter. */
    static SessionFilter sessionFilter(final Context ctx) {
        final String origin = ctx.queryParam("origin");
        if (origin != null) {
            oneOf("origin", origin, List.of("flux0", "syllable", "inkeep"));
        }
        final String lastStatus = ctx.queryParam("last_status");
        if (lastStatus != null) {
            oneOf("last_status", lastStatus, STATUSES);
        }
        return new SessionFilter(ctx.queryParam("agent_id"), ctx.queryParam("user_id"),
                origin == null ? null : Origin.valueOf(origin.toUpperCase(java.util.Locale.ROOT)), ctx.queryParam("conversation_id"),
                time(ctx, "created_after"), time(ctx, "created_before"), time(ctx, "active_after"), time(ctx, "active_before"),
                lastStatus, optionalBoolean(ctx, "has_deleted"));
    }

    /** An RFC 3339 time (a zone is required: {@code Z} or an offset), or null when absent. */
    static Instant time(final Context ctx, final String name) {
        final String text = ctx.queryParam(name);
        if (text == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.DateTimeException e) {
            throw Problem.badRequest("invalid query parameter " + name, List.of(new FieldError(0, name,
                    "must be an RFC 3339 time with a zone, such as 2025-01-29T09:27:41Z, not " + text)));
        }
    }

    /** true, false, or null when absent. */
    static Boolean optionalBoolean(final Context ctx, final String name) {
        final String text = ctx.queryParam(name);
        if (text == null) {
            return null;
        }
        if (!text.equals("true") && !text.equals("false")) {
            throw Problem.badRequest("invalid query parameter " + name, List.of(new FieldError(0, name, "must be true or false")));
        }
        return Boolean.parseBoolean(text);
    }

    /** {@code wait_for_data}: seconds a long-poll may wait, 0 (the default) for none. */
    static int waitSeconds(final Context ctx) {
        return (int) longParam(ctx, "wait_for_data", 0, 0, MAX_WAIT_SECONDS);
    }
}
