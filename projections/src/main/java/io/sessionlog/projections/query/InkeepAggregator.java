package io.sessionlog.projections.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Answers an {@link InkeepQuery} exactly: each instance reads its matching events (the createdAt range of the where
 * through events-by-time) into partial aggregates per group — counts, sums, minima, maxima and the distinct values
 * themselves, so that they add up across instances without approximation — and the instance asked merges and
 * finishes them. A query that would read more than {@link #MAX_EVENTS} events on one instance is refused.
 */
public final class InkeepAggregator {

    public static final int MAX_EVENTS = 1_000_000;
    public static final int PAGE_SIZE = 1_000;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final EventWalks walks;
    private final StatsQueries stats;
    private final java.time.Duration countersRetention;

    /** @param countersRetention how long the hour and day counters are kept (projections.stats.retention.ms) */
    public InkeepAggregator(final EventWalks walks, final StatsQueries stats, final java.time.Duration countersRetention) {
        this.walks = walks;
        this.stats = stats;
        this.countersRetention = countersRetention;
    }

    /** This instance's part: {@code {"groups": [{key, events, aggs}]}} or, listing events, {@code {"rows": […], "total"}}. */
    public ObjectNode partial(final InkeepQuery query) {
        final ObjectNode counted = fromCounters(query);
        if (counted != null) {
            return counted;
        }
        final InkeepQuery.Range range = query.range();
        final EventSearch search = new EventSearch(range.start(), range.end(), Set.of(), Set.of(), Set.of(), null, null, null, null,
                Map.of(), false);
        final Map<List<JsonNode>, Partial> groups = new LinkedHashMap<>();
        final List<InkeepRow> rows = new ArrayList<>();
        final long[] read = {0};
        walks.forEach(new EventBrowse(true, search, null, 1), event -> {
            if (++read[0] > MAX_EVENTS) {
                throw new InkeepQuery.Invalid("where", "the query reads more than " + MAX_EVENTS + " events on one instance: "
                        + "narrow it with createdAt conditions");
            }
            final InkeepRow row = InkeepRow.of(event);
            if (query.where().test(row)) {
                if (query.rows()) {
                    rows.add(row);
                } else {
                    groups.computeIfAbsent(key(query, row), k -> new Partial(query.aggregations().size())).add(query, row);
                }
            }
            return true;
        });
        final ObjectNode out = NODES.objectNode();
        if (query.rows()) {
            final ArrayNode listed = out.putArray("rows");
            rows.stream().map(row -> project(query, row)).sorted(order(query)).limit(PAGE_SIZE).forEach(listed::add);
            out.put("total", rows.size());
            return out;
        }
        final ArrayNode array = out.putArray("groups");
        groups.forEach((key, partial) -> {
            final ObjectNode group = array.addObject();
            key.forEach(group.putArray("key")::add);
            group.set("aggs", partial.toJson());
        });
        return out;
    }

    /** Inkeep's answer from every instance's part: {@code {"status": "ok", "data": {result, total, pageSize, count}}}. */
    public ObjectNode answer(final InkeepQuery query, final List<JsonNode> given) {
        // Every part as JSON text reads it: this instance's own in memory and the others' from the wire then compare
        // alike (a number key is one node type, whichever instance it came from).
        final List<JsonNode> parts = given.stream().map(InkeepAggregator::reread).toList();
        final List<ObjectNode> result = new ArrayList<>();
        long total = 0;
        if (query.rows()) {
            for (final JsonNode part : parts) {
                part.get("rows").forEach(row -> result.add((ObjectNode) row));
                total += part.get("total").asLong();
            }
        } else {
            final Map<List<JsonNode>, Partial> merged = new LinkedHashMap<>();
            for (final JsonNode part : parts) {
                for (final JsonNode group : part.get("groups")) {
                    final List<JsonNode> key = new ArrayList<>();
                    group.get("key").forEach(key::add);
                    merged.computeIfAbsent(key, k -> new Partial(query.aggregations().size())).merge(group.get("aggs"));
                }
            }
            merged.forEach((key, partial) -> result.add(finish(query, key, partial)));
            total = result.size();
        }
        result.sort(order(query));
        final ObjectNode body = NODES.objectNode().put("status", "ok");
        final ObjectNode data = body.putObject("data");
        final ArrayNode items = data.putArray("result");
        result.stream().limit(PAGE_SIZE).forEach(items::add);
        data.put("total", total).put("pageSize", PAGE_SIZE).put("count", items.size());
        return body;
    }

    /** The partial answer from the stats counters, or null when they cannot give exactly what the events would. */
    public ObjectNode fromCounters(final InkeepQuery query) {
        final boolean countOnly = query.aggregations().size() == 1 && query.aggregations().get(0).function().equals("count")
                && query.aggregations().get(0).field() == null;
        final boolean byType = query.groupBy().size() == 1 && query.groupBy().get(0).field().equals("type")
                && query.groupBy().get(0).path().isEmpty();
        if (!countOnly || !query.fields().isEmpty() || query.buckets().size() > 1 || (!query.groupBy().isEmpty() && !byType)
                || !rangeOnly(query.where())) {
            return null;
        }
        final String unit = query.buckets().isEmpty() ? "day" : query.buckets().get(0).unit();
        final StatsKey.Interval interval = unit.equals("hour") ? StatsKey.Interval.HOUR : StatsKey.Interval.DAY;
        final InkeepQuery.Range range = query.range();
        final long size = interval.size().toMillis();
        if (range.start() == null || range.start().isBefore(Instant.now().minus(countersRetention))
                || range.start().toEpochMilli() % size != 0 || (range.end() != null && range.end().toEpochMilli() % size != 0)) {
            return null;
        }
        final Instant end = range.end() != null ? range.end() : Instant.ofEpochMilli(Long.MAX_VALUE / 2);
        final Map<List<JsonNode>, Long> groups = new LinkedHashMap<>();
        for (final StatsQueries.Count count : stats.counts(interval, range.start(), end, byType ? StatsKey.Dimension.OWN_TYPE : null)) {
            if (count.metric() != StatsKey.Metric.EVENTS
                    || count.dimension() != (byType ? StatsKey.Dimension.OWN_TYPE : StatsKey.Dimension.TOTAL)) {
                continue;
            }
            final List<JsonNode> key = new ArrayList<>();
            query.buckets().forEach(bucket -> key.add(NODES.textNode(bucket.of(Instant.ofEpochMilli(count.bucketStart())))));
            if (byType) {
                key.add(count.value().isEmpty() ? NODES.nullNode() : NODES.textNode(count.value()));
            }
            groups.merge(key, count.count(), Long::sum);
        }
        final ObjectNode out = NODES.objectNode();
        final ArrayNode array = out.putArray("groups");
        groups.forEach((key, count) -> {
            final ObjectNode group = array.addObject();
            key.forEach(group.putArray("key")::add);
            group.putArray("aggs").addObject().put("count", count).put("sum", 0.0);
        });
        return out;
    }

    /** Whether the where is only createdAt bounds the counters' buckets can meet exactly: gte and lt, all ANDed. */
    private static boolean rangeOnly(final InkeepQuery.Filter filter) {
        if (filter instanceof InkeepQuery.And and) {
            return and.all().stream().allMatch(InkeepAggregator::rangeOnly);
        }
        return filter instanceof InkeepQuery.Condition c && c.field().equals("createdAt")
                && (c.operator().equals("gte") || c.operator().equals("lt"));
    }

    private static JsonNode reread(final JsonNode part) {
        try {
            return JSON.readTree(part.toString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a part of an answer that does not read back", e);
        }
    }

    private static List<JsonNode> key(final InkeepQuery query, final InkeepRow row) {
        final List<JsonNode> key = new ArrayList<>();
        final Instant created = Instant.parse(row.get("createdAt", List.of()).asText());
        query.buckets().forEach(bucket -> key.add(NODES.textNode(bucket.of(created))));
        query.groupBy().forEach(group -> {
            final JsonNode value = row.get(group.field(), group.path());
            key.add(value == null ? NODES.nullNode() : value);
        });
        return key;
    }

    private static ObjectNode finish(final InkeepQuery query, final List<JsonNode> key, final Partial partial) {
        final ObjectNode item = NODES.objectNode();
        int at = 0;
        for (final InkeepQuery.TimeBucket bucket : query.buckets()) {
            item.set(bucket.name(), key.get(at++));
        }
        for (final InkeepQuery.GroupBy group : query.groupBy()) {
            final JsonNode value = key.get(at++);
            if (!group.includeInSelect()) {
                continue;
            }
            if (group.path().isEmpty()) {
                item.set(group.field(), value);
            } else if (value.isNull()) {
                // Inkeep's properties are strings: a value the event lacks is left out (and a field left empty is null).
                if (!item.has(group.field())) {
                    item.putNull(group.field());
                }
            } else {
                final ObjectNode nested = item.has(group.field()) && item.get(group.field()).isObject()
                        ? (ObjectNode) item.get(group.field()) : item.putObject(group.field());
                nested.put(String.join(".", group.path()), value.asText());
            }
        }
        for (int i = 0; i < query.aggregations().size(); i++) {
            final InkeepQuery.Aggregation aggregation = query.aggregations().get(i);
            switch (aggregation.function()) {
                case "count" -> item.put(aggregation.name(), partial.counts[i]);
                case "countDistinct" -> item.put(aggregation.name(), partial.distinct.get(i).size());
                case "sum" -> item.put(aggregation.name(), partial.sums[i]);
                case "avg" -> item.put(aggregation.name(), partial.counts[i] == 0 ? 0 : partial.sums[i] / partial.counts[i]);
                case "min" -> item.put(aggregation.name(), partial.counts[i] == 0 ? null : partial.mins[i]);
                default -> item.put(aggregation.name(), partial.counts[i] == 0 ? null : partial.maxs[i]);
            }
        }
        return item;
    }

    private static ObjectNode project(final InkeepQuery query, final InkeepRow row) {
        if (query.fields().isEmpty()) {
            return row.asJson();
        }
        final ObjectNode item = NODES.objectNode();
        query.fields().forEach(field -> item.set(field, row.asJson().get(field)));
        return item;
    }

    /**
     * By orderBy; by default time buckets oldest first, else the first aggregation largest first, else newest first;
     * ties by the item's JSON text.
     */
    private static Comparator<ObjectNode> order(final InkeepQuery query) {
        final List<InkeepQuery.Order> orders = new ArrayList<>(query.orderBy());
        if (orders.isEmpty()) {
            if (!query.buckets().isEmpty()) {
                orders.add(new InkeepQuery.Order(query.buckets().get(0).name(), false));
            } else if (!query.aggregations().isEmpty()) {
                orders.add(new InkeepQuery.Order(query.aggregations().get(0).name(), true));
            } else if (query.rows() && (query.fields().isEmpty() || query.fields().contains("createdAt"))) {
                orders.add(new InkeepQuery.Order("createdAt", true));
            }
        }
        Comparator<ObjectNode> comparator = (a, b) -> 0;
        for (final InkeepQuery.Order order : orders) {
            Comparator<ObjectNode> by = (a, b) -> compare(a.get(order.field()), b.get(order.field()));
            comparator = comparator.thenComparing(order.descending() ? by.reversed() : by);
        }
        // Ties in what was asked for come in one order whichever way the answer was computed.
        return comparator.thenComparing(ObjectNode::toString);
    }

    private static int compare(final JsonNode a, final JsonNode b) {
        final boolean aNull = a == null || a.isNull();
        final boolean bNull = b == null || b.isNull();
        if (aNull || bNull) {
            return Boolean.compare(bNull, aNull);
        }
        if (a.isNumber() && b.isNumber()) {
            return Double.compare(a.asDouble(), b.asDouble());
        }
        return a.toString().compareTo(b.toString());
    }

    /** The mergeable state of one group: per aggregation, a count, a sum, a minimum, a maximum, distinct values. */
    private static final class Partial {
        private final long[] counts;
        private final double[] sums;
        private final double[] mins;
        private final double[] maxs;
        private final List<Set<String>> distinct = new ArrayList<>();

        Partial(final int size) {
            counts = new long[size];
            sums = new double[size];
            mins = new double[size];
            maxs = new double[size];
            java.util.Arrays.fill(mins, Double.POSITIVE_INFINITY);
            java.util.Arrays.fill(maxs, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < size; i++) {
                distinct.add(new TreeSet<>());
            }
        }

        void add(final InkeepQuery query, final InkeepRow row) {
            for (int i = 0; i < counts.length; i++) {
                final InkeepQuery.Aggregation aggregation = query.aggregations().get(i);
                final JsonNode value = aggregation.field() == null ? NODES.booleanNode(true) : row.get(aggregation.field(), List.of());
                if (value == null) {
                    continue;
                }
                counts[i]++;
                if (aggregation.function().equals("countDistinct")) {
                    distinct.get(i).add(value.toString());
                }
                if (aggregation.field() != null && aggregation.field().equals("createdAt")) {
                    final double millis = Instant.parse(value.asText()).toEpochMilli();
                    sums[i] += millis;
                    mins[i] = Math.min(mins[i], millis);
                    maxs[i] = Math.max(maxs[i], millis);
                }
            }
        }

        ArrayNode toJson() {
            final ArrayNode aggs = NODES.arrayNode();
            for (int i = 0; i < counts.length; i++) {
                final ObjectNode agg = aggs.addObject().put("count", counts[i]).put("sum", sums[i]);
                if (counts[i] > 0) {
                    agg.put("min", mins[i]).put("max", maxs[i]);
                }
                distinct.get(i).forEach(agg.putArray("distinct")::add);
            }
            return aggs;
        }

        void merge(final JsonNode aggs) {
            for (int i = 0; i < counts.length; i++) {
                final JsonNode agg = aggs.get(i);
                counts[i] += agg.get("count").asLong();
                sums[i] += agg.get("sum").asDouble();
                if (agg.has("min")) {
                    mins[i] = Math.min(mins[i], agg.get("min").asDouble());
                    maxs[i] = Math.max(maxs[i], agg.get("max").asDouble());
                }
                final Set<String> values = distinct.get(i);
                agg.path("distinct").forEach(value -> values.add(value.asText()));
            }
        }
    }
}
