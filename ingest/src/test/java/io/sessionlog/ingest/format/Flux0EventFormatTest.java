package io.sessionlog.ingest.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionlog.ingest.Fixtures;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Flux0EventFormatTest {

    static Stream<Path> fixtures() {
        return Fixtures.files("E").stream();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void acceptsEveryFixtureKeepingItsBytes(final Path file) {
        final byte[] body = Fixtures.bytes(file);
        final List<FieldError> errors = new ArrayList<>();
        final JsonItem item = JsonItems.split(body).get(0);
        final Optional<CanonicalEvent> event = Flux0EventFormat.read(item, "zv3h4j5Fjv", errors);
        assertEquals(List.of(), errors);
        assertTrue(event.isPresent());
        assertEquals(new String(body, StandardCharsets.UTF_8).trim(),
                StandardCharsets.UTF_8.decode(event.get().getRaw()).toString(), "raw keeps the bytes as sent");
        assertEquals(item.node().get("id").asText(), event.get().getEventId());
        assertEquals("zv3h4j5Fjv", event.get().getSessionId());
    }

    @Test
    void mapsTheFieldsOfAStatusEvent() {
        final CanonicalEvent event = readOne(Fixtures.bytes(Fixtures.dir().resolve("E/02.json")));
        assertEquals(EventKind.STATUS, event.getKind());
        assertEquals("ai_agent", event.getSource());
        assertEquals("RID(lyH-sVmwJO)::Y8oBzYT4CQ", event.getCorrelationId());
        assertEquals(1L, event.getOriginOffset());
        assertEquals(Instant.parse("2025-01-29T09:27:42.105Z"), event.getOccurredAt());
        assertEquals("{\"agent_id\":\"vUfk4PgjTm\",\"agent_name\":\"Drizzle\"}", event.getMetadataJson());
    }

    @Test
    void takesTimesWithoutZoneAsUtcAndOffsetsAsGiven() {
        assertEquals(Instant.parse("2025-01-29T09:27:44Z"), readOne(Fixtures.bytes(Fixtures.dir().resolve("E/04.json"))).getOccurredAt());
        assertEquals(Instant.parse("2025-01-29T07:30:00Z"), readOne(Fixtures.bytes(Fixtures.dir().resolve("E/07.json"))).getOccurredAt());
    }

    @Test
    void keepsEachArrayItemsOwnBytes() {
        final String first = "{\"id\":\"a1\", \"x\" : \"é🌁\"}";
        final String second = "{ \"id\":\"a2\",\"nested\":[1,{\"k\":null}] }";
        final List<JsonItem> items = JsonItems.split(("[ " + first + " ,\n" + second + "]").getBytes(StandardCharsets.UTF_8));
        assertEquals(2, items.size());
        assertArrayEquals(first.getBytes(StandardCharsets.UTF_8), items.get(0).raw());
        assertArrayEquals(second.getBytes(StandardCharsets.UTF_8), items.get(1).raw());
        assertEquals(1, items.get(1).index());
    }

    @Test
    void derivesTheSameIdForTheSameRecordWhateverItsKeyOrder() {
        final String a = "{\"correlation_id\":\"c\",\"type\":\"custom\",\"source\":\"system\",\"data\":{\"b\":1,\"a\":2},\"created_at\":\"2025-01-29T09:27:41Z\"}";
        final String b = "{\"data\":{\"a\":2,\"b\":1},\"created_at\":\"2025-01-29T09:27:41Z\",\"source\":\"system\",\"type\":\"custom\",\"correlation_id\":\"c\"}";
        final String idA = readOne(a.getBytes(StandardCharsets.UTF_8)).getEventId();
        assertEquals(idA, readOne(b.getBytes(StandardCharsets.UTF_8)).getEventId());
        assertEquals(idA, readOne(a.getBytes(StandardCharsets.UTF_8)).getEventId(), "a retried request gets the same id");
        assertNotEquals(idA, Flux0EventFormat.read(JsonItems.split(a.getBytes(StandardCharsets.UTF_8)).get(0), "other", new ArrayList<>())
                .orElseThrow().getEventId(), "the session is part of the id");
    }

    static Stream<JsonNode> badCases() {
        return Fixtures.badCases("POST /v1/sessions/zv3h4j5Fjv/events").stream();
    }

    @ParameterizedTest
    @MethodSource("badCases")
    void refusesEveryBadCaseNamingTheField(final JsonNode badCase) {
        assertEquals(400, badCase.get("expect_status").asInt());
        final byte[] body = badCase.get("body").asText().getBytes(StandardCharsets.UTF_8);
        final List<FieldError> errors = new ArrayList<>();
        try {
            for (final JsonItem item : JsonItems.split(body)) {
                Flux0EventFormat.read(item, "zv3h4j5Fjv", errors);
            }
        } catch (InvalidInputException refused) {
            errors.addAll(refused.errors());
        }
        assertFalse(errors.isEmpty(), badCase.get("name").asText() + " was accepted");
        errors.forEach(e -> assertFalse(e.reason().isBlank()));
    }

    @Test
    void explainsATypeAndDataMismatch() {
        final String body = "{\"id\":\"x\",\"correlation_id\":\"c\",\"type\":\"tool\",\"source\":\"user\",\"data\":{\"type\":\"message\",\"parts\":[]},"
                + "\"created_at\":\"2025-01-29T09:27:41Z\"}";
        final List<FieldError> errors = new ArrayList<>();
        Flux0EventFormat.read(JsonItems.split(body.getBytes(StandardCharsets.UTF_8)).get(0), "s", errors);
        assertEquals(1, errors.size());
        assertEquals("data.type", errors.get(0).field());
        assertTrue(errors.get(0).reason().contains("type tool needs data.type tool_call_result"), errors.get(0).reason());
    }

    @Test
    void refusesAnEmptyBodyAndTruncatedJson() {
        assertEquals("body", assertThrows(InvalidInputException.class, () -> JsonItems.split(new byte[0])).errors().get(0).field());
        final InvalidInputException truncated = assertThrows(InvalidInputException.class,
                () -> JsonItems.split("{\"id\": \"o5k".getBytes(StandardCharsets.UTF_8)));
        assertTrue(truncated.getMessage().contains("not valid JSON"), truncated.getMessage());
    }

    private static CanonicalEvent readOne(final byte[] body) {
        final List<FieldError> errors = new ArrayList<>();
        final Optional<CanonicalEvent> event = Flux0EventFormat.read(JsonItems.split(body).get(0), "zv3h4j5Fjv", errors);
        assertEquals(List.of(), errors);
        return event.orElseThrow();
    }
}
