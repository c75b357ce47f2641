package io.sessionlog.projections.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.sessionlog.http.Json;
import io.sessionlog.projections.query.CorrelationKey;
import io.sessionlog.projections.query.EventFilter;
import io.sessionlog.projections.query.Router;
import io.sessionlog.projections.query.SessionQueries;
import io.sessionlog.schemas.CorrelationIds;
import org.apache.kafka.common.utils.Bytes;
import io.sessionlog.schemas.avro.StampedEvent;

/**
 * {@code GET /v1/correlations/{id}}: every event with this correlation id across sessions ({@code ?root=true}: every
 * event whose correlation root is this id), as {@code {"data": [{"session_id", "event": EventDTO}], "next_cursor"}}
 * (EventDTO names no session). A root's events live in the partitions of their sessions, each indexed beside its
 * events: this instance gathers one page from every instance and merges them in the index's order (session, then
 * offset), as the listings across sessions do; one that cannot answer makes it 503. Paged like every listing:
 * {@code limit} (100 by default), then the cursor of the last page.
 */
final class CorrelationRoutes {

    private final SessionQueries queries;
    private final Router router;
    private final Forwarder forwarder;

    CorrelationRoutes(final SessionQueries queries, final Router router, final Forwarder forwarder) {
        this.queries = queries;
        this.router = router;
        this.forwarder = forwarder;
    }

    void get(final Context ctx) {
        final String id = ctx.pathParam("correlation_id");
        final boolean byRoot = "true".equals(ctx.queryParam("root"));
        final String root = byRoot ? id : CorrelationIds.root(id);
        final boolean includeDeleted = QueryParams.includeDeleted(ctx);
        final int limit = (int) QueryParams.longParam(ctx, "limit", CorrelationCursor.DEFAULT_LIMIT, 1, EventFilter.MAX_LIMIT);
        final String token = ctx.queryParam("cursor");
        final CorrelationKey.Position after = token == null ? null : CorrelationCursor.decode(token, id, byRoot);
        final Supplier<List<StampedEvent>> local = () -> Queryable.queryable(() -> queries.correlated(root, byRoot ? null : id, includeDeleted, after, limit + 1));
        if (LocalScope.asked(ctx)) {
            Json.answer(ctx, 200, part(local.get()));
            return;
        }
        record Found(Bytes at, String sessionKey, long offset, JsonNode event) {
        }
        final List<Found> merged = new ArrayList<>();
        for (final JsonNode part : LocalScope.parts(ctx, router, forwarder, token, () -> part(local.get()))) {
            for (final JsonNode item : part.get("items")) {
                final String session = item.get("session_id").asText();
                final long offset = item.get("offset").asLong();
                merged.add(new Found(CorrelationKey.of(root, session, offset), session, offset, item.get("event")));
            }
        }
        merged.sort(Comparator.comparing(Found::at));
        final ObjectNode body = Json.MAPPER.createObjectNode();
        final ArrayNode data = body.putArray("data");
        merged.stream().limit(limit).forEach(found -> data.addObject().put("session_id", found.sessionKey()).set("event", found.event()));
        final Found last = merged.size() > limit ? merged.get(limit - 1) : null;
        body.put("next_cursor", last == null ? null : CorrelationCursor.encode(id, byRoot,
                new CorrelationKey.Position(last.sessionKey(), last.offset())));
        Json.answer(ctx, 200, body);
    }

    /** This instance's part: each event as answered, with its session and offset for the merge. */
    private static ObjectNode part(final List<StampedEvent> events) {
        final ObjectNode part = Json.MAPPER.createObjectNode();
        final ArrayNode items = part.putArray("items");
        events.forEach(e -> items.addObject().put("session_id", e.getSessionKey()).put("offset", e.getOffset()).set("event", Flux0Dtos.event(e)));
        return part;
    }
}
