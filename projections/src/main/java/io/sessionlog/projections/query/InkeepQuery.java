package io.sessionlog.projections.query;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Inkeep's {@code POST /query/events} body (its SDK's {@code QueryEventsRequestBody}), read and checked: selections
 * (aggregations, time buckets of {@code createdAt}, fields), {@code groupBy} (fields and paths into
 * {@code properties}/{@code userProperties}), {@code where} ({@code condition}, {@code and}, {@code or}) and
 * {@code orderBy}. What the read models cannot answer exactly is refused with the path of the part and why.
 */
public record InkeepQuery(List<Aggregation> aggregations, List<TimeBucket> buckets, List<String> fields,
                          List<GroupBy> groupBy, Filter where, List<Order> orderBy) {

    public static final List<String> AGGREGATIONS = List.of("count", "countDistinct", "sum", "avg", "min", "max");
    public static final List<String> TIME_UNITS = List.of("hour", "day", "week", "month");
    public static final List<String> OPERATORS = List.of("eq", "neq", "gt", "gte", "lt", "lte", "in", "notIn", "arrayContains");

    /** A part of the body that cannot be answered, by its path ({@code select[1].aggregation}) and the reason. */
    public static final class Invalid extends RuntimeException {
        private final String field;

        Invalid(final String field, final String reason) {
            super(reason, null, false, false);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** {@code count} of events (no field) or of events with the field set; the others over a field's values. */
    public record Aggregation(String function, String field) {
        public String name() {
            return field == null ? function : function + "_" + field;
        }
    }

    public record TimeBucket(String unit, String field) {
        public String name() {
            return field + "_" + unit;
        }

        /** The bucket of a time, as Inkeep names them: an hour, a day, the Monday of a week, a month (UTC). */
        public String of(final Instant time) {
            final OffsetDateTime utc = time.atOffset(ZoneOffset.UTC);
            return switch (unit) {
                case "hour" -> utc.truncatedTo(ChronoUnit.HOURS).toInstant().toString();
                case "day" -> utc.toLocalDate().toString();
                case "week" -> utc.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toString();
                default -> utc.toLocalDate().withDayOfMonth(1).toString().substring(0, 7);
            };
        }
    }

    public record GroupBy(String field, List<String> path, boolean includeInSelect) {
    }

    public record Order(String field, boolean descending) {
    }

    /** A where clause: a condition, or all / any of several. */
    public sealed interface Filter {
        boolean test(InkeepRow row);
    }

    public record And(List<Filter> all) implements Filter {
        @Override
        public boolean test(final InkeepRow row) {
            return all.stream().allMatch(f -> f.test(row));
        }
    }

    public record Or(List<Filter> any) implements Filter {
        @Override
        public boolean test(final InkeepRow row) {
            return any.stream().anyMatch(f -> f.test(row));
        }
    }

    public record Condition(String field, String operator, JsonNode value) implements Filter {
        @Override
        public boolean test(final InkeepRow row) {
            final JsonNode actual = row.get(field, List.of());
            return switch (operator) {
                case "eq" -> actual != null && compare(actual, value) == 0;
                case "neq" -> actual == null || compare(actual, value) != 0;
                case "gt" -> actual != null && compare(actual, value) > 0;
                case "gte" -> actual != null && compare(actual, value) >= 0;
                case "lt" -> actual != null && compare(actual, value) < 0;
                case "lte" -> actual != null && compare(actual, value) <= 0;
                case "in" -> actual != null && contains(value, actual);
                case "notIn" -> actual == null || !contains(value, actual);
                default -> actual != null && actual.isArray() && contains(actual, value);
            };
        }

        private int compare(final JsonNode actual, final JsonNode expected) {
            if (field.equals("createdAt")) {
                return Instant.parse(actual.asText()).compareTo(time(expected));
            }
            if (actual.isNumber() && expected.isNumber()) {
                return Double.compare(actual.asDouble(), expected.asDouble());
            }
            return actual.asText().compareTo(expected.asText());
        }

        private boolean contains(final JsonNode array, final JsonNode value) {
            for (final JsonNode item : array) {
                if (item.asText().equals(value.asText())) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The createdAt range every matching event lies in, read from the conditions all of the where must meet. */
    public record Range(Instant start, Instant end) {
    }

    public Range range() {
        final Instant[] bounds = new Instant[2];
        narrow(where, bounds);
        return new Range(bounds[0], bounds[1]);
    }

    private static void narrow(final Filter filter, final Instant[] bounds) {
        if (filter instanceof And and) {
            and.all().forEach(f -> narrow(f, bounds));
        } else if (filter instanceof Condition c && c.field().equals("createdAt")) {
            final Instant at = time(c.value());
            switch (c.operator()) {
                case "gt", "gte" -> bounds[0] = bounds[0] == null || at.isAfter(bounds[0]) ? at : bounds[0];
                case "lt", "lte" -> {
                    final Instant end = c.operator().equals("lte") ? at.plusNanos(1_000) : at;
                    bounds[1] = bounds[1] == null || end.isBefore(bounds[1]) ? end : bounds[1];
                }
                case "eq" -> {
                    bounds[0] = at;
                    bounds[1] = at.plusNanos(1_000);
                }
                default -> {
                }
            }
        }
    }

    static Instant time(final JsonNode value) {
        return value.isNumber() ? Instant.ofEpochMilli(value.asLong()) : OffsetDateTime.parse(value.asText()).toInstant();
    }

    /** The result keys this query answers, for checking orderBy. */
    public List<String> resultKeys() {
        final List<String> keys = new ArrayList<>();
        aggregations.forEach(a -> keys.add(a.name()));
        buckets.forEach(b -> keys.add(b.name()));
        groupBy.forEach(g -> keys.add(g.field()));
        keys.addAll(fields);
        return keys;
    }

    // ---- reading the body ----

    public static InkeepQuery parse(final JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new Invalid("body", "must be a JSON object: Inkeep's QueryEventsRequestBody");
        }
        final List<Aggregation> aggregations = new ArrayList<>();
        final List<TimeBucket> buckets = new ArrayList<>();
        final List<String> fields = new ArrayList<>();
        final JsonNode select = body.path("select");
        for (int i = 0; i < select.size(); i++) {
            final String at = "select[" + i + "]";
            final JsonNode item = select.get(i);
            switch (item.path("type").asText()) {
                case "aggregation" -> {
                    final String function = oneOf(item.get("aggregation"), AGGREGATIONS, at + ".aggregation");
                    final String field = item.hasNonNull("field") ? oneOf(item.get("field"), InkeepRow.FIELDS, at + ".field") : null;
                    if (List.of("sum", "avg", "min", "max").contains(function) && !"createdAt".equals(field)) {
                        throw new Invalid(at + ".field", function + " needs a numeric field, and createdAt (epoch milliseconds) is "
                                + "the only one events have, not " + field);
                    }
                    aggregations.add(new Aggregation(function, field));
                }
                case "time" -> {
                    final String unit = oneOf(item.get("timeUnit"), TIME_UNITS, at + ".timeUnit");
                    if (!"createdAt".equals(item.path("field").asText())) {
                        throw new Invalid(at + ".field", "time buckets are of createdAt, the only time events have, not " + item.get("field"));
                    }
                    buckets.add(new TimeBucket(unit, "createdAt"));
                }
                case "field" -> fields.add(oneOf(item.get("field"), InkeepRow.FIELDS, at + ".field"));
                default -> throw new Invalid(at + ".type", "must be aggregation, time or field, not " + item.get("type"));
            }
        }
        final List<GroupBy> groupBy = new ArrayList<>();
        final JsonNode groups = body.path("groupBy");
        for (int i = 0; i < groups.size(); i++) {
            final String at = "groupBy[" + i + "]";
            final String field = oneOf(groups.get(i).get("field"), InkeepRow.FIELDS, at + ".field");
            final List<String> path = new ArrayList<>();
            groups.get(i).path("path").forEach(step -> path.add(step.asText()));
            if (!path.isEmpty() && !List.of("properties", "userProperties").contains(field)) {
                throw new Invalid(at + ".path", "a path reaches into properties or userProperties, not " + field);
            }
            groupBy.add(new GroupBy(field, List.copyOf(path), groups.get(i).path("includeInSelect").asBoolean(true)));
        }
        if (!groupBy.isEmpty() || !aggregations.isEmpty() || !buckets.isEmpty()) {
            for (final String field : fields) {
                if (groupBy.stream().noneMatch(g -> g.field().equals(field))) {
                    throw new Invalid("select", "the field " + field + " is neither grouped by nor aggregated");
                }
            }
        }
        final Filter where = body.hasNonNull("where") ? filter(body.get("where"), "where") : new And(List.of());
        final List<Order> orderBy = new ArrayList<>();
        final InkeepQuery partial = new InkeepQuery(aggregations, buckets, fields, groupBy, where, List.of());
        final JsonNode orders = body.path("orderBy");
        for (int i = 0; i < orders.size(); i++) {
            final String field = orders.get(i).path("field").asText();
            if (!partial.resultKeys().contains(field) && !(partial.rows() && InkeepRow.FIELDS.contains(field))) {
                throw new Invalid("orderBy[" + i + "].field", "orders by what the query answers (" + partial.resultKeys() + "), not " + field);
            }
            orderBy.add(new Order(field, oneOf(orders.get(i).get("direction"), List.of("asc", "desc"), "orderBy[" + i + "].direction")
                    .equals("desc")));
        }
        return new InkeepQuery(aggregations, buckets, fields, groupBy, where, orderBy);
    }

    /** Without aggregation, time bucket or group, the query lists events (their selected fields). */
    public boolean rows() {
        return aggregations.isEmpty() && buckets.isEmpty() && groupBy.isEmpty();
    }

    private static Filter filter(final JsonNode node, final String at) {
        if (node.has("and")) {
            return new And(filters(node.get("and"), at + ".and"));
        }
        if (node.has("or")) {
            return new Or(filters(node.get("or"), at + ".or"));
        }
        final JsonNode condition = node.get("condition");
        if (condition == null || !condition.isObject()) {
            throw new Invalid(at, "must be {condition: …}, {and: […]} or {or: […]}");
        }
        final String field = oneOf(condition.get("field"), InkeepRow.FIELDS, at + ".condition.field");
        final String operator = oneOf(condition.get("operator"), OPERATORS, at + ".condition.operator");
        final JsonNode value = condition.get("value");
        if (value == null || value.isNull() || value.isObject()) {
            throw new Invalid(at + ".condition.value", "must be a string, a number, a boolean or an array of strings");
        }
        if (List.of("in", "notIn").contains(operator) != value.isArray()) {
            throw new Invalid(at + ".condition.value", operator + (value.isArray() ? " takes one value, not an array" : " takes an array of values"));
        }
        if (field.equals("createdAt")) {
            try {
                time(value);
            } catch (DateTimeParseException e) {
                throw new Invalid(at + ".condition.value", "createdAt compares with an ISO 8601 time with its zone or epoch milliseconds, not " + value);
            }
        }
        return new Condition(field, operator, value);
    }

    private static List<Filter> filters(final JsonNode array, final String at) {
        if (!array.isArray()) {
            throw new Invalid(at, "must be an array of filters");
        }
        final List<Filter> filters = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            filters.add(filter(array.get(i), at + "[" + i + "]"));
        }
        return filters;
    }

    private static String oneOf(final JsonNode value, final List<String> allowed, final String at) {
        if (value == null || !value.isTextual() || !allowed.contains(value.asText())) {
            throw new Invalid(at, "must be one of " + allowed + ", not " + value);
        }
        return value.asText();
    }
}
