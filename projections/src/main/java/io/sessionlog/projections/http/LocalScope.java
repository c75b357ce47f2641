package io.sessionlog.projections.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

import io.javalin.http.Context;

/**
 * The query that asks another instance for its own partitions' part of a walk ({@code scope=local}): the request's
 * parameters, with the walk's cursor as this instance resolved it, so that every instance walks from the same place.
 */
final class LocalScope {

    private LocalScope() {
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
