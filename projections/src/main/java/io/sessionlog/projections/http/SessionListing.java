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
import io.sessionlog.http.Paths;
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

    static final int OWNER_PAGE = 1_000;

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
        final List<JsonNode> pages = LocalScope.parts(ctx, router, forwarder, cursor, () -> localPage(browse, stats, total));
        final Page page = merge(browse, pages);
        final ObjectNode body = Json.MAPPER.createObjectNode();
        final ArrayNode data = body.putArray("data");
        page.sessions().forEach(p -> data.add(p.session()));
        body.put("next_cursor", page.next() == null ? null
                : new BrowseCursor(browse.sort(), browse.descending(), page.next(), browse.asOf()).encode());
        if (total) {
            body.put("total_count", pages.stream().mapToLong(p -> p.get("total_count").asLong()).sum());
        }
        Json.answer(ctx, 200, body);
    }

    /**
     * The keys of every session of an agent and/or a user, on every instance: a walk by id (an order sessions do not
     * move in), a page of {@value #OWNER_PAGE} at a time. A session the owner gains during the walk may be left out.
     */
    List<String> ownedBy(final String agentId, final String userId, final String authorization) {
        final SessionFilter filter = new SessionFilter(agentId, userId, null, null, null, null, null, null, null, null);
        final List<String> keys = new ArrayList<>();
        SessionBrowse.Position after = null;
        do {
            final SessionBrowse browse = new SessionBrowse(SessionBrowse.Sort.ID, false, filter, after, null, OWNER_PAGE);
            final String query = ownerQuery(agentId, userId) + "&sort=id&order=asc&limit=" + OWNER_PAGE + "&cursor="
                    + new BrowseCursor(browse.sort(), false, after, null).encode() + "&scope=local";
            final Page page = merge(browse, router.instances().stream().map(instance -> instance.self() ? localPage(browse, false, false)
                    : forwarder.get(instance.hostPort(), Paths.SESSIONS + "?" + query, authorization)).toList());
            page.sessions().forEach(p -> keys.add(p.position().sessionKey()));
            after = page.next();
        } while (after != null);
        return keys;
    }

    private static String ownerQuery(final String agentId, final String userId) {
        final List<String> parts = new ArrayList<>();
        if (agentId != null) {
            parts.add("agent_id=" + java.net.URLEncoder.encode(agentId, java.nio.charset.StandardCharsets.UTF_8));
        }
        if (userId != null) {
            parts.add("user_id=" + java.net.URLEncoder.encode(userId, java.nio.charset.StandardCharsets.UTF_8));
        }
        return String.join("&", parts);
    }

    /** One page merged from every instance's part, in the walk's order, and where the next page starts (or null). */
    private static Page merge(final SessionBrowse browse, final List<JsonNode> parts) {
        final List<Positioned> merged = new ArrayList<>();
        boolean morePossible = false;
        for (final JsonNode part : parts) {
            final JsonNode positions = part.get("positions");
            for (int i = 0; i < part.get("data").size(); i++) {
                merged.add(new Positioned(new SessionBrowse.Position(positions.get(i).get(0).asLong(), positions.get(i).get(1).asText()),
                        part.get("data").get(i)));
            }
            morePossible |= part.get("data").size() >= browse.limit();
        }
        final Comparator<Positioned> order = Comparator.comparing(Positioned::position);
        merged.sort(browse.descending() ? order.reversed() : order);
        final List<Positioned> page = merged.stream().limit(browse.limit()).toList();
        final boolean more = merged.size() > browse.limit() || (morePossible && merged.size() == browse.limit());
        return new Page(page, more ? page.get(page.size() - 1).position() : null);
    }

    private record Page(List<Positioned> sessions, SessionBrowse.Position next) {
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
