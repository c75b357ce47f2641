package io.sessionlog.projections.http;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.sessionlog.http.FieldError;
import io.sessionlog.http.Json;
import io.sessionlog.http.Problem;
import io.sessionlog.projections.query.Router;
import io.sessionlog.projections.query.StatsKey;
import io.sessionlog.projections.query.StatsQueries;

/**
 * {@code GET /v1/stats}: counts of events, deletes, new sessions and duplicates per bucket ({@code interval} minute,
 * hour or day, in UTC) over {@code [from, to)}, optionally broken down {@code by} type, origin, source or agent_id;
 * every bucket of the range is answered, empty ones as zeros. Counters live in every partition: this instance sums
 * what every instance holds; one that cannot answer makes the answer 503.
 */
final class StatsRoutes {

    /** A range holds at most this many buckets: ask for a coarser interval beyond it. */
    static final int MAX_BUCKETS = 10_000;
    /** Without {@code from}, this many buckets up to {@code to}. */
    static final int DEFAULT_BUCKETS = 24;

    private final StatsQueries stats;
    private final Router router;
    private final Forwarder forwarder;

    StatsRoutes(final StatsQueries stats, final Router router, final Forwarder forwarder) {
        this.stats = stats;
        this.router = router;
        this.forwarder = forwarder;
    }

    void get(final Context ctx) {
        final StatsKey.Interval interval = StatsKey.Interval.valueOf(oneOf(ctx, "interval", "hour",
                Arrays.stream(StatsKey.Interval.values()).map(StatsKey.Interval::wireName).toList()).toUpperCase(Locale.ROOT));
        final String byText = oneOf(ctx, "by", null, List.of("type", "origin", "source", "agent_id"));
        final StatsKey.Dimension by = byText == null ? null : StatsKey.Dimension.valueOf(byText.toUpperCase(Locale.ROOT));
        final long size = interval.size().toMillis();
        final Instant toGiven = QueryParams.time(ctx, "to");
        final long to = toGiven != null ? ceil(toGiven.toEpochMilli(), size) : interval.bucketStart(System.currentTimeMillis()) + size;
        final Instant fromGiven = QueryParams.time(ctx, "from");
        final long from = fromGiven != null ? interval.bucketStart(fromGiven.toEpochMilli()) : to - DEFAULT_BUCKETS * size;
        if (from >= to) {
            throw refused("from", "must be before to");
        }
        if ((to - from) / size > MAX_BUCKETS) {
            throw refused("from", "the range holds " + (to - from) / size + " " + interval.wireName() + " buckets; at most "
                    + MAX_BUCKETS + ": narrow it or ask for a coarser interval");
        }
        if (LocalScope.asked(ctx)) {
            Json.answer(ctx, 200, localCounts(interval, from, to, by));
            return;
        }
        // bucket start → metric → (value or "" for the total) → count, summed over every instance
        final Map<Long, Map<String, Map<String, Long>>> sums = new TreeMap<>();
        for (final JsonNode counts : LocalScope.parts(ctx, router, forwarder, null, () -> localCounts(interval, from, to, by))) {
            for (final JsonNode count : counts.get("counts")) {
                sums.computeIfAbsent(count.get(0).asLong(), b -> new TreeMap<>()).computeIfAbsent(count.get(1).asText(), m -> new TreeMap<>())
                        .merge(count.get(2).asText(), count.get(3).asLong(), Long::sum);
            }
        }
        final ObjectNode body = Json.MAPPER.createObjectNode().put("interval", interval.wireName()).put("by", byText)
                .put("from", Json.time(Instant.ofEpochMilli(from))).put("to", Json.time(Instant.ofEpochMilli(to)));
        final ArrayNode buckets = body.putArray("buckets");
        for (long start = from; start < to; start += size) {
            final Map<String, Map<String, Long>> bucket = sums.getOrDefault(start, Map.of());
            final ObjectNode out = buckets.addObject().put("start", Json.time(Instant.ofEpochMilli(start)));
            for (final StatsKey.Metric metric : StatsKey.Metric.values()) {
                out.put(metric.wireName(), bucket.getOrDefault(metric.wireName(), Map.of()).getOrDefault("", 0L));
            }
            if (by != null) {
                final ObjectNode groups = out.putObject("groups");
                for (final StatsKey.Metric metric : StatsKey.Metric.values()) {
                    bucket.getOrDefault(metric.wireName(), Map.of()).forEach((value, count) -> {
                        if (!value.isEmpty()) {
                            final ObjectNode group = groups.has(value) ? (ObjectNode) groups.get(value) : groups.putObject(value);
                            group.put(metric.wireName(), count);
                        }
                    });
                }
            }
        }
        Json.answer(ctx, 200, body);
    }

    /** This instance's counters: [bucket start, metric, value ("" for the total), count]. */
    private ObjectNode localCounts(final StatsKey.Interval interval, final long from, final long to, final StatsKey.Dimension by) {
        final ObjectNode page = Json.MAPPER.createObjectNode();
        final ArrayNode counts = page.putArray("counts");
        Queryable.queryable(() -> stats.counts(interval, Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), by)).forEach(count ->
                counts.addArray().add(count.bucketStart()).add(count.metric().wireName())
                        .add(count.dimension() == StatsKey.Dimension.TOTAL ? "" : count.value()).add(count.count()));
        return page;
    }

    private static long ceil(final long millis, final long size) {
        return Math.floorDiv(millis + size - 1, size) * size;
    }

    private static String oneOf(final Context ctx, final String name, final String fallback, final List<String> allowed) {
        final String value = ctx.queryParam(name);
        if (value == null) {
            return fallback;
        }
        QueryParams.oneOf(name, value, allowed);
        return value;
    }

    private static Problem refused(final String name, final String reason) {
        return Problem.badRequest("invalid query parameter " + name, List.of(new FieldError(0, name, reason)));
    }
}
