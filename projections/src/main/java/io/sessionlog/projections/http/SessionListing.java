package io.sessionlog.projections.http;

import java.util.TreeMap;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.sessionlog.http.Json;
import io.sessionlog.projections.query.Route;
import io.sessionlog.projections.query.Router;
import io.sessionlog.projections.query.SessionQueries;
import io.sessionlog.schemas.avro.SessionView;

/** {@code GET /v1/sessions}: one page gathered from every instance's partitions and merged by id. */
final class SessionListing {

    private final SessionQueries queries;
    private final Router router;
    private final Forwarder forwarder;

    SessionListing(final SessionQueries queries, final Router router, final Forwarder forwarder) {
        this.queries = queries;
        this.router = router;
        this.forwarder = forwarder;
    }

    /**
     * Sessions of an agent and/or a user (or all), ordered by id, paged by cursor: {@code {"data": [SessionDTO],
     * "next_cursor": id|null}}. Sessions live in every partition, so this instance gathers one page from every
     * instance ({@code scope=local} answers for its own partitions) and merges them; an instance that cannot answer
     * makes the answer 503, never a partial list.
     */
    void list(final Context ctx) {
        final String agentId = ctx.queryParam("agent_id");
        final String userId = ctx.queryParam("user_id");
        final String cursor = ctx.queryParam("cursor");
        final int limit = (int) QueryParams.longParam(ctx, "limit", 100, 1, 1_000);
        final boolean stats = QueryParams.csv(ctx.queryParams("include")).contains("stats");
        final Predicate<SessionView> also = QueryParams.sessionFilter(ctx);
        if ("local".equals(ctx.queryParam("scope"))) {
            Json.answer(ctx, 200, localPage(agentId, userId, also, cursor, limit, stats));
            return;
        }
        final String query = ctx.queryString() == null ? "scope=local" : ctx.queryString() + "&scope=local";
        final TreeMap<String, JsonNode> merged = new TreeMap<>();
        boolean morePossible = false;
        for (final Router.Instance instance : router.instances()) {
            final JsonNode page = instance.self()
                    ? localPage(agentId, userId, also, cursor, limit, stats)
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

    private JsonNode localPage(final String agentId, final String userId, final Predicate<SessionView> also,
                               final String cursor, final int limit, final boolean stats) {
        final ArrayNode data = Json.MAPPER.createArrayNode();
        Queryable.queryable(() -> queries.sessions(agentId, userId, also, cursor, limit, Route.Local.EVERY_LOCAL_PARTITION))
                .forEach(view -> data.add(Flux0Dtos.session(view, stats)));
        return Json.MAPPER.createObjectNode().set("data", data);
    }
}
