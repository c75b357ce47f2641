package io.sessionlog.ingest.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionlog.ingest.Fixtures;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventAppended;
import io.sessionlog.schemas.avro.EventKind;
import io.sessionlog.schemas.avro.SessionPatched;
import io.sessionlog.schemas.avro.SessionUpserted;
import io.sessionlog.schemas.avro.WriteIntent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every format through the one reader the routes, bulk loads and the Java producer share. */
class IntentReaderTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private final IntentReader reader = new IntentReader(1024 * 1024);

    static Stream<JsonNode> badCases() {
        return Fixtures.badCases("").stream();
    }

    /** Every refused case of the shared fixtures, through the reader its route uses, names the field and why. */
    @ParameterizedTest
    @MethodSource("badCases")
    void refusesEveryBadCase(final JsonNode badCase) {
        final String[] route = badCase.get("route").asText().split(" ", 2);
        final byte[] body = badCase.get("body").asText().getBytes(StandardCharsets.UTF_8);
        final List<FieldError> errors = new ArrayList<>();
        try {
            apply(route[0], route[1], body);
        } catch (InvalidInputException e) {
            errors.addAll(e.errors());
        }
        assertFalse(errors.isEmpty(), badCase.get("name").asText() + " was accepted");
        errors.forEach(e -> assertFalse(e.reason().isBlank()));
    }

    @Test
    void explainsTheRefusalsAUserMeetsMost() {
        assertEquals("neither session_id nor conversation_id is given: a Syllable event needs one of them to find its session",
                only(() -> events(InputFormat.Y, "{\"timestamp\":\"2025-03-07T14:05:00Z\"}")).reason());
        assertEquals("must be conversation, message or search, not \"banana\"",
                only(() -> events(InputFormat.K, "{\"type\":\"x\",\"conversationId\":\"c1\",\"entityType\":\"banana\"}")).reason());
        assertEquals("is at most 200 characters, not 201",
                only(() -> reader.sessions(items("{\"agent_id\":\"a\",\"title\":\"" + "é".repeat(201) + "\"}"), NOW)).reason());
        final FieldError negative = only(() -> reader.patch("s", items("{\"consumption_offsets\":{\"client\":-1}}").get(0), NOW));
        assertEquals("consumption_offsets.client", negative.field());
        assertEquals("offsets are >= 0, not -1", negative.reason());
    }

    @Test
    void readsEverySyllableFixtureButTheSessionless() {
        for (final Path file : Fixtures.files("Y")) {
            final List<JsonItem> items = JsonItems.split(Fixtures.bytes(file));
            if (file.getFileName().toString().equals("02.json")) {
                assertThrows(InvalidInputException.class, () -> reader.events(InputFormat.Y, items, Optional.empty(), NOW));
                continue;
            }
            final CanonicalEvent event = eventOf(reader.events(InputFormat.Y, items, Optional.empty(), NOW).get(0));
            assertEquals(36, event.getEventId().length(), "a UUID derived from the record");
        }
        final WriteIntent byConversation = reader.events(InputFormat.Y, JsonItems.split(Fixtures.bytes(Fixtures.dir().resolve("Y/03.json"))),
                Optional.empty(), NOW).get(0);
        assertEquals("c-84312", byConversation.getSessionKey());
        assertEquals(EventKind.CUSTOM, eventOf(byConversation).getKind());
        final CanonicalEvent toolCall = eventOf(reader.events(InputFormat.Y, JsonItems.split(Fixtures.bytes(Fixtures.dir().resolve("Y/04.json"))),
                Optional.empty(), NOW).get(0));
        assertEquals(EventKind.TOOL, toolCall.getKind());
        assertEquals(Instant.parse("2025-03-07T14:07:45.000001Z"), toolCall.getOccurredAt(), "microseconds are kept");
    }

    @Test
    void readsInkeepEventsTakingTheIngestTimeWhenCreatedAtIsMissing() {
        final CanonicalEvent defaulted = eventOf(events(InputFormat.K, new String(Fixtures.bytes(Fixtures.dir().resolve("K/03.json")),
                StandardCharsets.UTF_8)).get(0));
        assertEquals(NOW, defaulted.getOccurredAt());
        assertTrue(defaulted.getOccurredAtDefaulted());
        assertEquals("98765", defaulted.getUserId(), "a numeric userId is stringified");
        final CanonicalEvent given = eventOf(events(InputFormat.K, new String(Fixtures.bytes(Fixtures.dir().resolve("K/02.json")),
                StandardCharsets.UTF_8)).get(0));
        assertEquals("evt_01HZX3", given.getEventId());
        assertEquals("u_42", given.getUserId());
        assertEquals(Instant.parse("2025-02-06T16:45:12.301Z"), given.getOccurredAt());
    }

    /** What the Inkeep SDK's events.log sends beside conversation events, each in its session (docs/http-api.md). */
    @Test
    void inkeepMessageAndSearchEventsFindTheirSessionByTheDocumentedRule() {
        final WriteIntent message = events(InputFormat.K, "{\"type\":\"message_copied\",\"messageId\":\"m-7\",\"entityType\":\"message\","
                + "\"createdAt\":\"2025-02-06T16:45:12Z\"}").get(0);
        assertEquals("inkeep-message:m-7", message.getSessionKey(), "one session per message when no conversation is named");
        assertEquals("m-7", eventOf(message).getMessageId());
        assertEquals("inkeep.InsertMessageEvent", eventOf(message).getSchemaRef());
        assertEquals("c-9", events(InputFormat.K, "{\"type\":\"message_liked\",\"messageId\":\"m-7\",\"entityType\":\"message\","
                + "\"properties\":{\"conversationId\":\"c-9\"}}").get(0).getSessionKey(), "the conversation the properties name");
        assertEquals("c-8", events(InputFormat.K, "{\"type\":\"message_liked\",\"messageId\":\"m-7\",\"entityType\":\"message\","
                + "\"conversationId\":\"c-8\",\"properties\":{\"conversationId\":\"c-9\"}}").get(0).getSessionKey());
        final WriteIntent search = events(InputFormat.K, "{\"type\":\"search_performed\",\"searchQuery\":\"kafka acls\","
                + "\"entityType\":\"search\",\"createdAt\":\"2025-02-06T23:59:59+01:00\",\"userProperties\":{\"id\":77}}").get(0);
        assertEquals("inkeep-search:77:2025-02-06", search.getSessionKey(), "one session per user and UTC day");
        assertEquals("kafka acls", eventOf(search).getSearchQuery());
        assertEquals("inkeep-search:anonymous:2026-11-22", events(InputFormat.K,
                "{\"type\":\"search_performed\",\"searchQuery\":\"\",\"entityType\":\"search\"}").get(0).getSessionKey(),
                "no user, no createdAt: anonymous, on the ingest day; an empty query is still a search");
        final FieldError noMessageId = only(() -> events(InputFormat.K, "{\"type\":\"x\",\"entityType\":\"message\"}"));
        assertEquals("messageId", noMessageId.field());
        assertEquals("searchQuery", only(() -> events(InputFormat.K, "{\"type\":\"x\",\"entityType\":\"search\",\"searchQuery\":3}")).field());
        assertEquals("messageId", only(() -> events(InputFormat.K, "{\"type\":\"x\",\"entityType\":\"message\",\"messageId\":\""
                + "m".repeat(300) + "\"}")).field(), "a session id too long is named by the field it came from");
    }

    static Stream<List<String>> badFlux0Data() {
        return Stream.of(
                List.of("{\"type\":\"message\",\"parts\":[{\"type\":\"image\",\"url\":\"x\"}]}", "data.parts[0].type"),
                List.of("{\"type\":\"message\",\"parts\":[{\"type\":\"content\",\"content\":\"a\"},\"b\"]}", "data.parts[1]"),
                List.of("{\"type\":\"message\",\"parts\":[{\"type\":\"content\"}]}", "data.parts[0].content"),
                List.of("{\"type\":\"message\",\"parts\":[{\"type\":\"reasoning\"}]}", "data.parts[0].reasoning"),
                List.of("{\"type\":\"message\",\"parts\":[{\"type\":\"tool_call\",\"tool_name\":\"s\",\"args\":{}}]}",
                        "data.parts[0].tool_call_id"),
                List.of("{\"type\":\"message\",\"parts\":[],\"tags\":[1]}", "data.tags"),
                List.of("{\"type\":\"message\",\"parts\":[],\"flagged\":\"no\"}", "data.flagged"),
                List.of("{\"type\":\"message\",\"parts\":[],\"participant\":{\"id\":7}}", "data.participant"));
    }

    @ParameterizedTest
    @MethodSource("badFlux0Data")
    void refusesFlux0MessageDataOutsideFlux0sRulesNamingTheFieldPath(final List<String> dataAndPath) {
        assertEquals(dataAndPath.get(1), only(() -> flux0Event("message", dataAndPath.get(0))).field(), dataAndPath.get(0));
    }

    @Test
    void refusesFlux0StatusAndToolDataOutsideFlux0sRules() {
        assertEquals("must be acknowledged, cancelled, processing, ready, typing, error or completed, not \"done\"",
                only(() -> flux0Event("status", "{\"type\":\"status\",\"status\":\"done\"}")).reason());
        assertEquals("data.acknowledged_offset", only(() -> flux0Event("status",
                "{\"type\":\"status\",\"status\":\"ready\",\"acknowledged_offset\":-1}")).field());
        assertEquals("data.type", only(() -> flux0Event("tool", "{\"type\":\"tool\",\"tool_calls\":[]}")).field(),
                "a tool event's data is tool_call_result");
        final String call = "{\"type\":\"tool_call_result\",\"tool_calls\":[{\"tool_call_id\":\"c1\",\"tool_name\":\"s\",\"args\":{}%s}]}";
        final FieldError mode = only(() -> flux0Event("tool", call.formatted(",\"result\":{\"data\":1,\"metadata\":{},\"control\":{\"mode\":\"semi\"}}")));
        assertEquals("data.tool_calls[0].result.control.mode", mode.field());
        assertEquals("must be auto or manual, not \"semi\"", mode.reason());
        assertEquals("data.tool_calls[0].result", only(() -> flux0Event("tool", call.formatted(",\"result\":\"60 degrees\""))).field());
        assertEquals("data.tool_calls[0].args", only(() -> flux0Event("tool", call.formatted("").replace("\"args\":{}", "\"args\":[1]"))).field());
        assertEquals("data.tool_calls[0].error", only(() -> flux0Event("tool", call.formatted(",\"error\":{\"x\":1}"))).field());
        assertEquals("data.tool_calls[0].tool_name", only(() -> flux0Event("tool", call.formatted("").replace("\"tool_name\":\"s\",", ""))).field());
        assertEquals(1, flux0Event("tool", call.formatted(",\"result\":{\"data\":\"ok\",\"metadata\":{},\"control\":{\"mode\":\"manual\"}},"
                + "\"error\":null,\"extra\":true")).size(), "a valid call, with a field flux0 does not define, is kept");
    }

    @Test
    void aFlux0EventsMetadataAgentIdIsTheAgentItsSessionLearns() {
        final String event = "{\"id\":\"e1\",\"correlation_id\":\"r\",\"type\":\"custom\",\"source\":\"ai_agent\",\"data\":{},"
                + "\"created_at\":\"2025-01-29T09:27:41Z\",\"metadata\":{\"agent_id\":\"vUfk4PgjTm\",\"agent_name\":\"Drizzle\"}}";
        assertEquals("vUfk4PgjTm", eventOf(reader.events(InputFormat.E, items(event), Optional.of("s1"), NOW).get(0)).getAgentId());
    }

    private List<WriteIntent> flux0Event(final String type, final String data) {
        return reader.events(InputFormat.E, items("{\"id\":\"e1\",\"correlation_id\":\"r\",\"type\":\"" + type
                + "\",\"source\":\"ai_agent\",\"data\":" + data + ",\"created_at\":\"2025-01-29T09:27:41Z\"}"), Optional.of("s1"), NOW);
    }

    /** Avro keeps microseconds: a time written with nanoseconds is kept as what readers will read back, not more. */
    @Test
    void timesAreKeptToTheMicrosecondAsTheTopicsStoreThem() {
        final CanonicalEvent event = eventOf(events(InputFormat.Y, "{\"timestamp\":\"2025-03-07T14:07:45.123456789Z\",\"session_id\":\"s\"}").get(0));
        assertEquals(Instant.parse("2025-03-07T14:07:45.123456Z"), event.getOccurredAt());
        final SessionUpserted session = (SessionUpserted) reader.sessions(items("{\"agent_id\":\"a\",\"created_at\":\"9999-12-31T23:59:59.999999999\"}"),
                NOW).get(0).getIntent();
        assertEquals(Instant.parse("9999-12-31T23:59:59.999999Z"), session.getCreatedAt(), "the latest time, without a zone too");
    }

    @Test
    void sessionsGetAFlux0IdWhenNoneIsGivenAndPatchesMergeOffsets() {
        final SessionUpserted created = (SessionUpserted) reader.sessions(items("{\"agent_id\":\"vUfk4PgjTm\"}"), NOW).get(0).getIntent();
        assertTrue(created.getId().matches("[A-Za-z0-9][A-Za-z0-9-]{8}[A-Za-z0-9]"), created.getId());
        assertNull(created.getConsumptionOffsets());
        final SessionPatched patch = (SessionPatched) reader.patch("s", items("{\"consumption_offsets\":{\"client\":0,\"bot\":7}}")
                .get(0), NOW).getIntent();
        assertEquals(Map.of("client", 0L, "bot", 7L), patch.getConsumptionOffsets());
        assertFalse(patch.getClearTitle(), "an absent title is left as it is");
    }

    @Test
    void aNullTitleInAPatchRemovesTheTitle() {
        final SessionPatched cleared = (SessionPatched) reader.patch("s", items("{\"title\":null}").get(0), NOW).getIntent();
        assertTrue(cleared.getClearTitle());
        assertNull(cleared.getTitle());
        final SessionPatched renamed = (SessionPatched) reader.patch("s", items("{\"title\":\"Weather\"}").get(0), NOW).getIntent();
        assertEquals("Weather", renamed.getTitle());
        assertFalse(renamed.getClearTitle());
        assertEquals("body", only(() -> reader.patch("s", items("{}").get(0), NOW)).field(), "an empty patch changes nothing");
    }

    @Test
    void bulkFlux0LinesNameTheirSession() {
        final String line = "{\"session_id\":\"s9\",\"id\":\"e1\",\"correlation_id\":\"c\",\"type\":\"custom\",\"source\":\"system\","
                + "\"data\":{},\"created_at\":\"2025-01-29T09:27:41Z\"}";
        assertEquals("s9", reader.events(InputFormat.E, items(line), Optional.empty(), NOW).get(0).getSessionKey());
        final FieldError missing = only(() -> reader.events(InputFormat.E, items(line.replace("\"session_id\":\"s9\",", "")),
                Optional.empty(), NOW));
        assertEquals("session_id", missing.field());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"\"+300000-01-01T00:00:00Z\"", "\"-000001-12-31T00:00:00Z\"",
            "\"+10000-01-01T00:00:00\"", "9223372036854775807", "-9223372036854775808", "100000000000000000000000"})
    void refusesTimesRfc3339CannotWriteNamingTheField(final String time) {
        final FieldError flux0 = only(() -> reader.events(InputFormat.E, items("{\"correlation_id\":\"c\",\"type\":\"custom\","
                + "\"source\":\"user\",\"data\":{},\"created_at\":" + time + "}"), Optional.of("s"), NOW));
        assertEquals("created_at", flux0.field());
        assertEquals(Times.OUT_OF_RANGE, flux0.reason());
        assertEquals("createdAt", only(() -> events(InputFormat.K, "{\"type\":\"x\",\"conversationId\":\"c1\",\"entityType\":\"conversation\",\"createdAt\":"
                + time + "}")).field());
        assertEquals("created_at", only(() -> reader.sessions(items("{\"agent_id\":\"a\",\"created_at\":" + time + "}"), NOW)).field());
    }

    @Test
    void takesTheFirstAndLastTimesRfc3339CanWrite() {
        for (final String time : List.of("0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z")) {
            final CanonicalEvent event = eventOf(reader.events(InputFormat.E, items("{\"correlation_id\":\"c\",\"type\":\"custom\","
                    + "\"source\":\"user\",\"data\":{},\"created_at\":\"" + time + "\"}"), Optional.of("s"), NOW).get(0));
            assertEquals(Instant.parse(time), event.getOccurredAt());
        }
    }

    @Test
    void anEventOverTheLimitIsTooLarge() {
        final IntentReader small = new IntentReader(64);
        assertThrows(TooLargeException.class, () -> small.events(InputFormat.Y, items("{\"timestamp\":\"2025-03-07T14:05:00Z\","
                + "\"session_id\":\"" + "s".repeat(64) + "\"}"), Optional.empty(), NOW));
    }

    private void apply(final String method, final String path, final byte[] body) {
        final String route = path.replaceAll("\\?.*", "");
        if (method.equals("POST") && route.startsWith("/v1/sessions/")) {
            reader.events(InputFormat.E, JsonItems.split(body), Optional.of(route.split("/")[3]), NOW);
        } else if (route.equals("/v1/syllable/events")) {
            reader.events(InputFormat.Y, JsonItems.split(body), Optional.empty(), NOW);
        } else if (route.equals("/v1/inkeep/events")) {
            reader.events(InputFormat.K, JsonItems.split(body), Optional.empty(), NOW);
        } else if (method.equals("POST") && route.equals("/v1/sessions")) {
            reader.sessions(JsonItems.split(body), NOW);
        } else if (method.equals("PATCH")) {
            reader.patch(route.split("/")[3], JsonItems.split(body).get(0), NOW);
        } else if (method.equals("DELETE")) {
            reader.deleteFrom(route.split("/")[3], Long.parseLong(path.replaceAll(".*min_offset=", "")), NOW);
        } else {
            throw new AssertionError("no reader for " + method + " " + path);
        }
    }

    private List<WriteIntent> events(final InputFormat format, final String body) {
        return reader.events(format, items(body), Optional.empty(), NOW);
    }

    private static List<JsonItem> items(final String body) {
        return JsonItems.split(body.getBytes(StandardCharsets.UTF_8));
    }

    private static FieldError only(final Runnable read) {
        final InvalidInputException e = assertThrows(InvalidInputException.class, read::run);
        assertEquals(1, e.errors().size(), e.errors().toString());
        return e.errors().get(0);
    }

    private static CanonicalEvent eventOf(final WriteIntent intent) {
        return ((EventAppended) intent.getIntent()).getEvent();
    }
}
