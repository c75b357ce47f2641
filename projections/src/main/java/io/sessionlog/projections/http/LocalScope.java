package io.sessionlog.projections.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.sessionlog.projections.query.Router;

/**
 * The query that asks another instance for its own partitions' part of a walk ({@code scope=local}): the request's
 * parameters, with the walk's cursor as this instance resolved it, so that every instance walks from the same place.
 */
final class LocalScope {

    private LocalScope() {
    }

    /**
     * Every instance's part of the answer, in the router's order: this instance's computed here by {@code local}, the
     * others' asked for with {@code scope=local} and the walk's {@code cursor} as resolved here (null for none). One
     * that cannot answer makes the whole answer 503 (the forwarder throws), never a partial one.
     */
    static List<JsonNode> parts(final Context ctx, final Router router, final Forwarder forwarder, final String cursor,
                                final Supplier<JsonNode> local) {
        final String pathAndQuery = ctx.path() + "?" + query(ctx, cursor);
        return router.instances().stream().map(instance -> instance.self() ? local.get()
                : forwarder.get(instance.hostPort(), pathAndQuery, ctx.header("Authorization"))).toList();
    }

    /** The same for a read that takes a body (Inkeep's queries): the body is sent to every other instance as is. */
    static List<JsonNode> postedParts(final Context ctx, final Router router, final Forwarder forwarder, final byte[] body,
                                      final Supplier<JsonNode> local) {
        return router.instances().stream().map(instance -> instance.self() ? local.get()
                : forwarder.post(instance.hostPort(), ctx.path() + "?scope=local", body, ctx.header("Authorization"))).toList();
    }

    static boolean asked(final Context ctx) {
        return "local".equals(ctx.queryParam("scope"));
    }

    static String query(final Context ctx, final String cursor) {
        final String kept = ctx.queryParamMap().entrySet().stream()
                .filter(entry -> !entry.getKey().equals("cursor") && !entry.getKey().equals("scope"))
                .flatMap(entry -> entry.getValue().stream().map(value -> Map.entry(entry.getKey(), value)))
                .map(entry -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
                .collect(Collectors.joining("&"));
        return (kept.isEmpty() ? "" : kept + "&") + (cursor == null ? "" : "cursor=" + cursor + "&") + "scope=local";
    }

    private static String encode(final String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
