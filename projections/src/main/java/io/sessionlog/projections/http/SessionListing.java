package io.sessionlog.projections.http;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.sessionlog.http.Json;
import io.sessionlog.projections.query.Router;
import io.sessionlog.projections.query.SessionBrowse;
import io.sessionlog.projections.query.SessionFilter;
import io.sessionlog.projections.query.SessionWalks;
import io.sessionlog.schemas.avro.SessionView;

/**
 * {@code GET /v1/sessions}: a walk through sessions in one order ({@code sort=last_event_at|created_at|id},
 * {@code order=desc|asc}; most recently active first by default), filtered, paged by an opaque cursor. Sessions live
 * in every partition, so this instance gathers one page from every instance ({@code scope=local} answers for its own
 * partitions, with each session's position) and merges them by position; an instance that cannot answer makes the
 * answer 503, never a partial page.
 */
final class SessionListing {

    private final SessionWalks walks;
    private final Router router;
    private final Forwarder forwarder;

    SessionListing(final SessionWalks walks, final Router router, final Forwarder forwarder) {
        this.walks = walks;
        this.router = router;
        this.forwarder = forwarder;
    }

    void list(final Context ctx) {
        final SessionBrowse browse = browse(ctx);
        final boolean stats = QueryParams.csv(ctx.queryParams("include")).contains("stats");
        final boolean total = Boolean.TRUE.equals(QueryParams.optionalBoolean(ctx, "total_count"));
        if (LocalScope.asked(ctx)) {
            Json.answer(ctx, 200, localPage(browse, stats, total));
            return;
        }
        // Every instance walks from the same cursor, the walk's start time included.
        final String cursor = new BrowseCursor(browse.sort(), browse.descending(), browse.after(), browse.asOf()).encode();
        final List<Positioned> merged = new ArrayList<>();
        boolean morePossible = false;
        long totalCount = 0;
        for (final JsonNode page : LocalScope.parts(ctx, router, forwarder, cursor, () -> localPage(browse, stats, total))) {
            final JsonNode positions = page.get("positions");
            for (int i = 0; i < page.get("data").size(); i++) {
                merged.add(new Positioned(new SessionBrowse.Position(positions.get(i).get(0).asLong(), positions.get(i).get(1).asText()),
                        page.get("data").get(i)));
            }
            morePossible |= page.get("data").size() >= browse.limit();
            totalCount += total ? page.get("total_count").asLong() : 0;
        }
        Comparator<Positioned> order = Comparator.comparing(Positioned::position);
        merged.sort(browse.descending() ? order.reversed() : order);
        final ObjectNode body = Json.MAPPER.createObjectNode();
        final ArrayNode data = body.putArray("data");
        merged.stream().limit(browse.limit()).forEach(p -> data.add(p.session()));
        final boolean more = merged.size() > browse.limit() || (morePossible && merged.size() == browse.limit());
        body.put("next_cursor", more ? new BrowseCursor(browse.sort(), browse.descending(),
                merged.get(browse.limit() - 1).position(), browse.asOf()).encode() : null);
        if (total) {
            body.put("total_count", totalCount);
        }
        Json.answer(ctx, 200, body);
    }

    /** The walk asked for; a first page of a walk that sessions can move along records when it began. */
    private static SessionBrowse browse(final Context ctx) {
        final String sortText = ctx.queryParam("sort");
        final String orderText = ctx.queryParam("order");
        if (sortText != null) {
            QueryParams.oneOf("sort", sortText, List.of("last_event_at", "created_at", "id"));
        }
        if (orderText != null) {
            QueryParams.oneOf("order", orderText, List.of("desc", "asc"));
        }
        final SessionBrowse.Sort sort = sortText == null ? SessionBrowse.Sort.LAST_EVENT_AT
                : SessionBrowse.Sort.valueOf(sortText.toUpperCase(java.util.Locale.ROOT));
        final boolean descending = !"asc".equals(orderText);
        final SessionFilter filter = QueryParams.sessionFilter(ctx);
        final int limit = (int) QueryParams.longParam(ctx, "limit", 100, 1, 1_000);
        final String token = ctx.queryParam("cursor");
        if (token != null) {
            final BrowseCursor cursor = BrowseCursor.decode(token, sort, descending);
            return new SessionBrowse(sort, descending, filter, cursor.after(), cursor.asOf(), limit);
        }
        // Oldest activity first, a session that moves goes to the end: leave out what changed after the walk began.
        final Instant asOf = sort == SessionBrowse.Sort.LAST_EVENT_AT && !descending ? Instant.now() : null;
        return new SessionBrowse(sort, descending, filter, null, asOf, limit);
    }

    private JsonNode localPage(final SessionBrowse browse, final boolean stats, final boolean total) {
        final ObjectNode page = Json.MAPPER.createObjectNode();
        final ArrayNode data = page.putArray("data");
        final ArrayNode positions = page.putArray("positions");
        for (final SessionView view : Queryable.queryable(() -> walks.page(browse))) {
            data.add(Flux0Dtos.session(view, stats));
            final SessionBrowse.Position position = browse.positionOf(view);
            positions.addArray().add(position.micros()).add(position.sessionKey());
        }
        if (total) {
            page.put("total_count", Queryable.queryable(() -> walks.count(browse)));
        }
        return page;
    }

    private record Positioned(SessionBrowse.Position position, JsonNode session) {
    }
}
