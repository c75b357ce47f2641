package io.sessionlog.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionlog.projections.query.EventWalks;
import io.sessionlog.projections.query.InkeepAggregator;
import io.sessionlog.projections.query.InkeepQuery;
import io.sessionlog.projections.query.StatsQueries;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventKind;
import io.sessionlog.schemas.avro.Origin;
import io.sessionlog.schemas.avro.StampedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inkeep's query body over every origin's events: aggregations, time buckets, groups, where, order, refusals. */
class InkeepQueryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path stateDir;

    private ProjectionsDriver projections;
    private InkeepAggregator aggregator;
    private final Map<String, Long> offsets = new java.util.HashMap<>();

    @BeforeEach
    void start() {
        projections = new ProjectionsDriver("inkeep-query-test", stateDir);
        aggregator = new InkeepAggregator(new EventWalks(projections.stores, event -> null), new StatsQueries(projections.stores),
                Duration.ofDays(400));
        inkeep("conv-1", "conversation_shared", "2025-02-06T10:00:00Z", "{\"plan\":\"pro\"}");
        inkeep("conv-1", "conversation_thumbs_up", "2025-02-06T11:30:00Z", "{\"plan\":\"pro\"}");
        inkeep("conv-2", "conversation_shared", "2025-02-07T09:00:00Z", "{\"plan\":\"free\"}");
        flux0("zv3h4j5Fjv", "message", "2025-02-07T09:05:00Z");
        flux0("zv3h4j5Fjv", "status", "2025-02-08T00:00:00Z");
    }

    @AfterEach
    void stop() {
        projections.close();
    }

    @Test
    void countsByTypePerDayAsInkeepsSdkAsksForThem() throws Exception {
        final JsonNode answer = query("""
                {"select": [{"type": "aggregation", "aggregation": "count"}, {"type": "time", "timeUnit": "day", "field": "createdAt"}],
                 "groupBy": [{"field": "type", "includeInSelect": true}],
                 "where": {"and": [{"condition": {"field": "createdAt", "operator": "gte", "value": "2025-02-06T00:00:00.000Z"}},
                                   {"condition": {"field": "createdAt", "operator": "lt", "value": "2025-02-08T00:00:00.000Z"}}]},
                 "orderBy": [{"field": "createdAt_day", "direction": "asc"}, {"field": "type", "direction": "asc"}]}""");
        assertEquals("ok", answer.get("status").asText());
        assertEquals(JSON.readTree("""
                [{"createdAt_day": "2025-02-06", "type": "conversation_shared", "count": 1},
                 {"createdAt_day": "2025-02-06", "type": "conversation_thumbs_up", "count": 1},
                 {"createdAt_day": "2025-02-07", "type": "conversation_shared", "count": 1},
                 {"createdAt_day": "2025-02-07", "type": "message", "count": 1}]"""), answer.get("data").get("result"));
        assertEquals(4, answer.get("data").get("total").asInt());
        assertEquals(4, answer.get("data").get("count").asInt());
    }

    @Test
    void whereCombinesAndWithOrAndGroupsReachIntoProperties() throws Exception {
        final JsonNode answer = query("""
                {"select": [{"type": "aggregation", "aggregation": "count"}, {"type": "aggregation", "aggregation": "countDistinct", "field": "conversationId"}],
                 "groupBy": [{"field": "properties", "path": ["plan"]}],
                 "where": {"or": [{"condition": {"field": "eventType", "operator": "eq", "value": "conversation"}},
                                  {"condition": {"field": "type", "operator": "in", "value": ["status"]}}]},
                 "orderBy": [{"field": "count", "direction": "desc"}, {"field": "properties", "direction": "desc"}]}""");
        final JsonNode result = answer.get("data").get("result");
        assertEquals(3, result.size(), "pro, free, and the flux0 events without a plan: " + result);
        assertEquals(JSON.readTree("{\"properties\": {\"plan\": \"pro\"}, \"count\": 2, \"countDistinct_conversationId\": 1}"), result.get(0));
        final JsonNode weekly = query("""
                {"select": [{"type": "aggregation", "aggregation": "count"}, {"type": "time", "timeUnit": "week", "field": "createdAt"},
                            {"type": "aggregation", "aggregation": "max", "field": "createdAt"}]}""").get("data").get("result");
        assertEquals(1, weekly.size(), "2025-02-06 to 02-08 is one week, from Monday 2025-02-03: " + weekly);
        assertEquals("2025-02-03", weekly.get(0).get("createdAt_week").asText());
        assertEquals(Instant.parse("2025-02-08T00:00:00Z").toEpochMilli(), weekly.get(0).get("max_createdAt").asLong());
    }

    @Test
    void withoutAggregationTheQueryListsEventsNewestFirst() throws Exception {
        final JsonNode rows = query("""
                {"select": [{"type": "field", "field": "conversationId"}, {"type": "field", "field": "createdAt"}],
                 "where": {"condition": {"field": "conversationId", "operator": "neq", "value": "conv-1"}}}""").get("data").get("result");
        assertEquals(JSON.readTree("""
                [{"conversationId": "zv3h4j5Fjv", "createdAt": "2025-02-08T00:00:00Z"},
                 {"conversationId": "zv3h4j5Fjv", "createdAt": "2025-02-07T09:05:00Z"},
                 {"conversationId": "conv-2", "createdAt": "2025-02-07T09:00:00Z"}]"""), rows);
    }

    /** A count per day by type over a range of whole days reads the stats counters: it must agree with the events. */
    @Test
    void aCountPerDayFromTheCountersIsWhatTheEventsSay() throws Exception {
        final Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS);
        inkeep("conv-r", "conversation_shared", today.minus(Duration.ofHours(30)).toString(), "{}");
        inkeep("conv-r", "conversation_shared", today.minus(Duration.ofHours(20)).toString(), "{}");
        inkeep("conv-r", "conversation_thumbs_up", today.minus(Duration.ofHours(20)).toString(), "{}");
        flux0("zv-r", "message", today.minus(Duration.ofHours(2)).toString());
        final String select = "\"select\": [{\"type\": \"aggregation\", \"aggregation\": \"count\"}, "
                + "{\"type\": \"time\", \"timeUnit\": \"%s\", \"field\": \"createdAt\"}], \"groupBy\": [{\"field\": \"type\"}], ";
        final String since = "{\"condition\": {\"field\": \"createdAt\", \"operator\": \"gte\", \"value\": \"" + today.minus(Duration.ofDays(3)) + "\"}}";
        // The same question, once as the counters can answer it and once with a condition only the events can check.
        final String countable = "{" + select.formatted("day") + "\"where\": " + since + "}";
        final String scanned = "{" + select.formatted("day") + "\"where\": {\"and\": [" + since + ", {\"condition\": "
                + "{\"field\": \"id\", \"operator\": \"neq\", \"value\": \"none\"}}]}}";
        assertEquals(true, aggregator.fromCounters(InkeepQuery.parse(JSON.readTree(countable))) != null, "the counters answer it");
        assertEquals(null, aggregator.fromCounters(InkeepQuery.parse(JSON.readTree(scanned))), "only the events can");
        final JsonNode fromCounters = query(countable).get("data").get("result");
        assertEquals(query(scanned).get("data").get("result"), fromCounters);
        assertEquals(4, java.util.stream.StreamSupport.stream(fromCounters.spliterator(), false).mapToInt(r -> r.get("count").asInt()).sum(),
                fromCounters.toString());
        assertEquals(query(scanned.replace("\"day\"", "\"week\"")).get("data").get("result"),
                query(countable.replace("\"day\"", "\"week\"")).get("data").get("result"), "weeks from day counters");
    }

    @Test
    void whatCannotBeAnsweredExactlyIsRefusedNamingThePart() {
        assertEquals("select[0].field", refused("{\"select\": [{\"type\": \"aggregation\", \"aggregation\": \"sum\", \"field\": \"type\"}]}"));
        assertEquals("select[0].aggregation", refused("{\"select\": [{\"type\": \"aggregation\", \"aggregation\": \"median\"}]}"));
        assertEquals("select[1].field", refused("{\"select\": [{\"type\": \"aggregation\", \"aggregation\": \"count\"},"
                + " {\"type\": \"time\", \"timeUnit\": \"day\", \"field\": \"projectId\"}]}"));
        assertEquals("select", refused("{\"select\": [{\"type\": \"aggregation\", \"aggregation\": \"count\"}, {\"type\": \"field\", \"field\": \"type\"}]}"));
        assertEquals("where.and[0].condition.operator", refused("{\"where\": {\"and\": [{\"condition\": {\"field\": \"type\", "
                + "\"operator\": \"like\", \"value\": \"x\"}}]}}"));
        assertEquals("where.condition.value", refused("{\"where\": {\"condition\": {\"field\": \"createdAt\", \"operator\": \"gt\", \"value\": \"yesterday\"}}}"));
        assertEquals("orderBy[0].field", refused("{\"select\": [{\"type\": \"aggregation\", \"aggregation\": \"count\"}],"
                + " \"orderBy\": [{\"field\": \"avg_createdAt\", \"direction\": \"asc\"}]}"));
        assertEquals("groupBy[0].path", refused("{\"groupBy\": [{\"field\": \"type\", \"path\": [\"x\"]}]}"));
    }

    // ---- helpers ----

    private JsonNode query(final String body) throws Exception {
        final InkeepQuery query = InkeepQuery.parse(JSON.readTree(body));
        // Through JSON text, as a client reads it (numbers compare by value, not by Java type).
        return JSON.readTree(aggregator.answer(query, List.of(aggregator.partial(query))).toString());
    }

    private static String refused(final String body) {
        return assertThrows(InkeepQuery.Invalid.class, () -> InkeepQuery.parse(JSON.readTree(body))).field();
    }

    private void inkeep(final String conversation, final String type, final String at, final String properties) {
        append(conversation, CanonicalEvent.newBuilder().setEventId(conversation + type + at).setOrigin(Origin.INKEEP)
                .setKind(EventKind.CUSTOM).setType(type).setOccurredAt(Instant.parse(at)).setConversationId(conversation)
                .setEntityType("conversation").setPropertiesJson(properties).setSchemaRef("inkeep.InsertConversationEvent")
                .setRaw(ByteBuffer.allocate(0)).build());
    }

    private void flux0(final String session, final String type, final String at) {
        append(session, CanonicalEvent.newBuilder().setEventId(session + type).setOrigin(Origin.FLUX0)
                .setKind(EventKind.valueOf(type.toUpperCase(java.util.Locale.ROOT))).setType(type).setSource("ai_agent")
                .setOccurredAt(Instant.parse(at)).setDataJson("{\"type\":\"" + type + "\"}").setSchemaRef("flux0.EventDTO")
                .setRaw(ByteBuffer.allocate(0)).build());
    }

    private void append(final String session, final CanonicalEvent event) {
        final long offset = offsets.merge(session, 1L, Long::sum) - 1;
        projections.events.pipeInput(session, StampedEvent.newBuilder().setSessionKey(session).setOffset(offset).setEvent(event)
                .setIngestedAt(event.getOccurredAt()).setStampedAt(event.getOccurredAt()).build());
    }
}
