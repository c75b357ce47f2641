package io.sessionlog.projections.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.sessionlog.http.FieldError;
import io.sessionlog.http.Json;
import io.sessionlog.http.Problem;
import io.sessionlog.projections.query.EventBrowse;
import io.sessionlog.projections.query.EventSearch;
import io.sessionlog.projections.query.EventWalks;
import io.sessionlog.projections.query.Flux0View;
import io.sessionlog.projections.query.Router;
import io.sessionlog.schemas.avro.StampedEvent;

/**
 * Events across sessions, by event time: {@code GET /v1/events} ({@code {"data": [{"session_id", "event"}],
 * "next_cursor"}}, cursor paging) and Syllable's {@code GET /api/v1/events/} at {@code GET /v1/syllable/events}
 * (its parameter names, page numbers and {@code ListResponseEvent} answer). Events live in every partition: this
 * instance gathers one page from every instance and merges them by position; one that cannot answer makes it 503.
 */
final class EventSearchRoutes {

    /** Syllable's pages are numbers: reaching page n reads n pages first, so deep pages are sent to the cursor route. */
    static final int MAX_SYLLABLE_DEPTH = 10_000;
    private static final List<String> ORIGINS = List.of("flux0", "syllable", "inkeep");

    private final EventWalks walks;
    private final Router router;
    private final Forwarder forwarder;

    EventSearchRoutes(final EventWalks walks, final Router router, final Forwarder forwarder) {
        this.walks = walks;
        this.router = router;
        this.forwarder = forwarder;
    }

    /** {@code GET /v1/events}. */
    void list(final Context ctx) {
        final boolean descending = !"asc".equals(oneOf(ctx, "order", List.of("desc", "asc")));
        final EventSearch search = search(ctx, "start_datetime", "end_datetime", "search_fields", "search_field_values");
        final int limit = (int) QueryParams.longParam(ctx, "limit", 100, 1, 1_000);
        final String token = ctx.queryParam("cursor");
        final EventBrowse browse = new EventBrowse(descending, search, token == null ? null : decode(token, descending), limit);
        final boolean total = Boolean.TRUE.equals(QueryParams.optionalBoolean(ctx, "total_count"));
        final Function<StampedEvent, ObjectNode> shape = QueryParams.shape(ctx);
        final Function<StampedEvent, JsonNode> render = event -> {
            final ObjectNode item = Json.MAPPER.createObjectNode().put("session_id", event.getSessionKey());
            item.set("event", shape.apply(event));
            return item;
        };
        if (LocalScope.asked(ctx)) {
            Json.answer(ctx, 200, localPage(browse, total, render));
            return;
        }
        final Gathered gathered = gather(ctx, browse, total, token, render);
        final ObjectNode body = Json.MAPPER.createObjectNode();
        final ArrayNode data = body.putArray("data");
        gathered.items().forEach(data::add);
        body.put("next_cursor", gathered.more() ? encode(descending, gathered.positions().get(limit - 1)) : null);
        if (total) {
            body.put("total_count", gathered.total());
        }
        Json.answer(ctx, 200, body);
    }

    /** {@code GET /v1/syllable/events}: Syllable's list, every origin's events as Syllable {@code Event}s. */
    void listSyllable(final Context ctx) {
        final String orderBy = ctx.queryParam("order_by");
        if (orderBy != null && !orderBy.equals("timestamp")) {
            throw refused("order_by", "events are ordered by timestamp only, not " + orderBy);
        }
        final boolean descending = !"asc".equals(oneOf(ctx, "order_by_direction", List.of("desc", "asc")));
        final EventSearch search = search(ctx, "start_datetime", "end_datetime", "search_fields", "search_field_values");
        final int page = (int) QueryParams.longParam(ctx, "page", 0, 0, Integer.MAX_VALUE);
        final int limit = (int) QueryParams.longParam(ctx, "limit", 25, 1, 1_000);
        if ((long) (page + 1) * limit > MAX_SYLLABLE_DEPTH) {
            throw refused("page", "pages reach at most " + MAX_SYLLABLE_DEPTH + " events deep; walk further with GET /v1/events and its cursor");
        }
        final EventBrowse browse = new EventBrowse(descending, search, null, (page + 1) * limit);
        final List<String> fields = QueryParams.csv(repeated(ctx, "fields")).stream().toList();
        final Function<StampedEvent, JsonNode> render = event -> SyllableEvents.only(SyllableEvents.of(event), fields);
        if (LocalScope.asked(ctx)) {
            Json.answer(ctx, 200, localPage(browse, true, render));
            return;
        }
        final Gathered gathered = gather(ctx, browse, true, null, render);
        final ObjectNode body = Json.MAPPER.createObjectNode();
        final ArrayNode items = body.putArray("items");
        gathered.items().stream().skip((long) page * limit).forEach(items::add);
        body.put("page", page).put("page_size", limit)
                .put("total_pages", (gathered.total() + limit - 1) / limit).put("total_count", gathered.total());
        Json.answer(ctx, 200, body);
    }

    /** The page merged from every instance: items in walk order, with their positions. */
    private record Gathered(List<JsonNode> items, List<EventBrowse.Position> positions, boolean more, long total) {
    }

    private Gathered gather(final Context ctx, final EventBrowse browse, final boolean total, final String token,
                            final Function<StampedEvent, JsonNode> render) {
        final List<Map.Entry<EventBrowse.Position, JsonNode>> merged = new ArrayList<>();
        boolean morePossible = false;
        long count = 0;
        for (final JsonNode page : LocalScope.parts(ctx, router, forwarder, token, () -> localPage(browse, total, render))) {
            for (final JsonNode entry : page.get("items")) {
                final JsonNode at = entry.get("position");
                merged.add(Map.entry(new EventBrowse.Position(at.get(0).asLong(), at.get(1).asText(), at.get(2).asLong()), entry.get("item")));
            }
            morePossible |= page.get("items").size() >= browse.limit();
            count += total ? page.get("total_count").asLong() : 0;
        }
        Comparator<Map.Entry<EventBrowse.Position, JsonNode>> order = Map.Entry.comparingByKey();
        merged.sort(browse.descending() ? order.reversed() : order);
        final boolean more = merged.size() > browse.limit() || (morePossible && merged.size() == browse.limit());
        final List<Map.Entry<EventBrowse.Position, JsonNode>> page = merged.stream().limit(browse.limit()).toList();
        return new Gathered(page.stream().map(Map.Entry::getValue).toList(), page.stream().map(Map.Entry::getKey).toList(), more, count);
    }

    /** This instance's part of the page: each event rendered as answered, with its position for the merge. */
    private ObjectNode localPage(final EventBrowse browse, final boolean total, final Function<StampedEvent, JsonNode> render) {
        final ObjectNode page = Json.MAPPER.createObjectNode();
        final ArrayNode items = page.putArray("items");
        for (final StampedEvent event : Queryable.queryable(() -> walks.page(browse))) {
            final EventBrowse.Position position = EventBrowse.Position.of(event);
            final ObjectNode entry = items.addObject();
            entry.putArray("position").add(position.micros()).add(position.sessionKey()).add(position.offset());
            entry.set("item", render.apply(event));
        }
        if (total) {
            page.put("total_count", Queryable.queryable(() -> walks.count(browse)));
        }
        return page;
    }

    private static EventSearch search(final Context ctx, final String startName, final String endName, final String fieldsName,
                                      final String valuesName) {
        final Set<String> types = QueryParams.csv(ctx.queryParams("types"));
        types.forEach(type -> QueryParams.oneOf("types", type, Flux0View.TYPES));
        final Set<String> sources = QueryParams.csv(ctx.queryParams("source"));
        sources.forEach(source -> QueryParams.oneOf("source", source, Flux0View.SOURCES));
        final Set<String> origins = QueryParams.csv(ctx.queryParams("origin"));
        origins.forEach(origin -> QueryParams.oneOf("origin", origin, ORIGINS));
        final List<String> names = repeated(ctx, fieldsName);
        final List<String> values = repeated(ctx, valuesName);
        if (names.size() != values.size()) {
            throw refused(fieldsName, names.size() + " " + fieldsName + " but " + values.size() + " " + valuesName
                    + ": they pair by position");
        }
        final Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            fields.put(names.get(i), values.get(i));
        }
        return new EventSearch(QueryParams.time(ctx, startName), QueryParams.time(ctx, endName), types, sources, origins,
                ctx.queryParam("session_id"), ctx.queryParam("user_id"), ctx.queryParam("agent_id"), ctx.queryParam("correlation_root"),
                fields, QueryParams.includeDeleted(ctx));
    }

    /** A repeated parameter, also under its {@code name[]} spelling (how array query parameters are often sent). */
    private static List<String> repeated(final Context ctx, final String name) {
        final List<String> values = new ArrayList<>(ctx.queryParams(name));
        values.addAll(ctx.queryParams(name + "[]"));
        return values;
    }

    private static String oneOf(final Context ctx, final String name, final List<String> allowed) {
        final String value = ctx.queryParam(name);
        if (value != null) {
            QueryParams.oneOf(name, value.toLowerCase(Locale.ROOT), allowed);
        }
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }

    private static String encode(final boolean descending, final EventBrowse.Position position) {
        final String text = String.join("|", "e1", descending ? "desc" : "asc", Long.toString(position.micros()),
                Long.toString(position.offset()), position.sessionKey());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static EventBrowse.Position decode(final String token, final boolean descending) {
        try {
            final String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|", 5);
            if (parts.length != 5 || !parts[0].equals("e1")) {
                throw refused("cursor", "is not a cursor this API gave");
            }
            if (!parts[1].equals(descending ? "desc" : "asc")) {
                throw refused("cursor", "belongs to a walk in " + parts[1] + " order: keep the order while paging");
            }
            return new EventBrowse.Position(Long.parseLong(parts[2]), parts[4], Long.parseLong(parts[3]));
        } catch (IllegalArgumentException e) {
            throw refused("cursor", "is not a cursor this API gave");
        }
    }

    private static Problem refused(final String name, final String reason) {
        return Problem.badRequest("invalid query parameter " + name, List.of(new FieldError(0, name, reason)));
    }
}
