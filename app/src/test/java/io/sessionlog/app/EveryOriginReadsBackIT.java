package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionlog.ingest.Fixtures;
import io.sessionlog.schemas.Topics;
import io.sessionlog.testsupport.CommittedRecords;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue "every origin reads back whole": every fixture of every origin, written through its route, reads back on every
 * read route (listing, one event, long-poll, Server-Sent Events, correlations) as a valid flux0 {@code EventDTO} and,
 * with {@code ?shape=origin}, as it was sent; a consumer of the events topic decoding with nothing but the registry
 * recovers every field sent; and every filter agrees with the values shown, for each origin.
 */
@ExtendWith(SharedKafkaCluster.class)
class EveryOriginReadsBackIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "origins-" + System.nanoTime() + ".";
    private static final String FLUX0_SESSION = "origins-flux0";
    private static final Set<String> EVENT_DTO_FIELDS = Set.of("id", "correlation_id", "type", "source", "offset", "data",
            "deleted", "created_at", "metadata");
    private static final List<String> TYPES = List.of("message", "tool", "status", "custom");
    private static final List<String> SOURCES = List.of("user", "ai_agent", "system");
    /** One session per origin for the filters, each with events of varied type, source and correlation, one deleted. */
    private static final Map<String, String> MATRIX_SESSION = Map.of("E", "matrix-flux0", "Y", "matrix-syllable", "K", "matrix-inkeep");

    /** An event accepted from a fixture: its format, its session, its id and the document sent. */
    record Sent(String format, String session, String id, JsonNode document) {
    }

    private static final List<Sent> SENT = new ArrayList<>();
    private static Sessionlog app;
    private static Http http;

    @BeforeAll
    static void writeEveryFixtureAndTheFilterSessions() throws IOException {
        app = TestApps.start(PREFIX, Map.of());
        http = new Http(app.httpUrl());
        for (final String format : List.of("E", "Y", "K")) {
            for (final Path file : Fixtures.files(format)) {
                final byte[] body = Fixtures.bytes(file);
                final JsonNode document = JSON.readTree(body);
                final Http.Answer answer = http.post(route(format), body);
                if (format.equals("Y") && !document.hasNonNull("session_id") && !document.hasNonNull("conversation_id")) {
                    assertEquals(400, answer.status(), file + ": a Syllable event without a session is refused");
                    continue;
                }
                assertTrue(answer.status() == 200 || answer.status() == 202, file + ": " + answer.status() + " " + answer.body());
                final JsonNode accepted = format.equals("K") ? answer.body() : answer.body().get("data").get(0);
                final String session = format.equals("K") ? inkeepSession(document) : accepted.get("session_key").asText();
                SENT.add(new Sent(format, session, accepted.get("id").asText(), document));
            }
        }
        writeTheFilterSessions();
        for (final String session : sessions()) {
            final long expected = SENT.stream().filter(s -> s.session().equals(session)).count();
            http.awaitGet(events(session, "include_deleted=true"), a -> a.status() == 200 && a.body().get("data").size() == expected,
                    Duration.ofSeconds(30));
            // The view comes from the sessions topic, applied apart from the events (a commit's views follow its events).
            http.awaitGet("/v1/sessions/" + encode(session) + "?include=stats", a -> a.status() == 200
                    && a.body().get("stats").get("event_count").asLong() >= expected, Duration.ofSeconds(30));
        }
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void everyEventIsAValidEventDtoOnEveryReadRoute() throws Exception {
        int checked = 0;
        for (final String session : sessions()) {
            final List<JsonNode> listing = data(http.get(events(session, "include_deleted=true")));
            assertEquals(sentIn(session).keySet(), ids(listing), session + ": every event accepted is listed");
            for (final JsonNode event : listing) {
                final Sent sent = sentIn(session).get(event.get("id").asText());
                assertValidEventDto(event, sent);
                final String id = event.get("id").asText();
                final String offset = event.get("offset").asText();
                assertEquals(event, http.awaitGet(events(session, null) + "/" + encode(id), a -> a.status() == 200,
                        Duration.ofSeconds(10)).body(), "one event reads as in the listing");
                assertEquals(event, data(http.get(events(session, "include_deleted=true&min_offset=" + offset + "&wait_for_data=5")))
                        .get(0), "a long-poll answers the same event");
                final List<JsonNode> correlated = data(http.awaitGet("/v1/correlations/" + encode(event.get("correlation_id").asText())
                        + "?include_deleted=true", a -> a.status() == 200 && containsEvent(a, id), Duration.ofSeconds(10)));
                assertTrue(correlated.stream().anyMatch(c -> c.get("session_id").asText().equals(session) && c.get("event").equals(event)),
                        "found by its correlation id as in the listing: " + correlated);
                checked++;
            }
            assertEquals(listing, serverSentEvents(events(session, "include_deleted=true"), listing.size()),
                    session + ": Server-Sent Events carry the same EventDTOs");
        }
        assertEquals(SENT.size(), checked, "every event accepted, checked");
    }

    @Test
    void everyEventReadsBackAsItsOriginSentItOnEveryEventRoute() throws Exception {
        for (final String session : sessions()) {
            final List<JsonNode> listing = data(http.get(events(session, "include_deleted=true")));
            final List<JsonNode> origin = data(http.get(events(session, "include_deleted=true&shape=origin")));
            assertEquals(listing.size(), origin.size());
            for (int i = 0; i < listing.size(); i++) {
                final JsonNode dto = listing.get(i);
                final Sent sent = sentIn(session).get(dto.get("id").asText());
                assertSentShape(sent, dto, origin.get(i));
                assertEquals(origin.get(i), http.get(events(session, null) + "/" + encode(sent.id()) + "?shape=origin").body(),
                        "one event in its origin's shape");
                assertEquals(origin.get(i), data(http.get(events(session, "include_deleted=true&shape=origin&wait_for_data=5&min_offset="
                        + dto.get("offset").asText()))).get(0), "a long-poll in its origin's shape");
            }
            assertEquals(origin, serverSentEvents(events(session, "include_deleted=true&shape=origin"), origin.size()),
                    "Server-Sent Events in the origin's shape");
        }
    }

    /** What a consumer in any language does: read the schema id, fetch that schema from the registry, decode. */
    @Test
    void aConsumerOfTheEventsTopicDecodingWithTheRegistryRecoversEverythingSent() throws Exception {
        // An event's first record carries what was sent; a later one is its deleted record, which names it without content.
        final Map<String, GenericRecord> byId = new HashMap<>();
        final List<GenericRecord> deletedRecords = new ArrayList<>();
        for (final GenericRecord stamped : CommittedRecords.values(app.bootstrapServers(), new Topics(PREFIX).events(), registryDecoder())) {
            if (byId.putIfAbsent(((GenericRecord) stamped.get("event")).get("event_id").toString(), stamped) != null) {
                deletedRecords.add(stamped);
            }
        }
        assertTrue(!deletedRecords.isEmpty(), "the deletes this test sent are on the topic");
        for (final GenericRecord deleted : deletedRecords) {
            final GenericRecord event = (GenericRecord) deleted.get("event");
            final GenericRecord first = byId.get(event.get("event_id").toString());
            assertEquals(true, event.get("deleted"), "a later record of an event is its deletion");
            assertEquals(first.get("offset"), deleted.get("offset"));
            assertEquals(first.get("session_key").toString(), deleted.get("session_key").toString());
            assertEquals(0, ((ByteBuffer) event.get("raw")).remaining(), "a deleted record carries no copy of the document");
        }
        for (final Sent sent : SENT) {
            final GenericRecord stamped = byId.get(sent.id());
            assertNotNull(stamped, sent.id() + " is on the events topic");
            final GenericRecord event = (GenericRecord) stamped.get("event");
            assertEquals(sent.session(), stamped.get("session_key").toString());
            final ByteBuffer raw = (ByteBuffer) event.get("raw");
            assertEquals(sent.document(), JSON.readTree(StandardCharsets.UTF_8.decode(raw.duplicate()).toString()),
                    "the producer's document, whole");
            assertEquals(Map.of("E", "FLUX0", "Y", "SYLLABLE", "K", "INKEEP").get(sent.format()), event.get("origin").toString());
            final JsonNode doc = sent.document();
            switch (sent.format()) {
                case "E" -> assertEquals(doc.get("data"), JSON.readTree(event.get("data_json").toString()), "flux0 data");
                case "Y" -> assertEquals(text(doc, "description"), string(event.get("description")), "Syllable description");
                default -> {
                    assertEquals(doc.get("entityType").asText(), event.get("entity_type").toString());
                    assertEquals(text(doc, "messageId"), string(event.get("message_id")));
                    assertEquals(text(doc, "searchQuery"), string(event.get("search_query")));
                }
            }
        }
    }

    @Test
    void everySessionIsAValidSessionDtoThatKnowsItsOwnersOriginAndConversation() {
        for (final String session : sessions()) {
            final JsonNode dto = http.get("/v1/sessions/" + encode(session) + "?include=stats").body();
            assertEquals(session, dto.get("id").asText());
            assertTrue(dto.get("agent_id").isTextual() && dto.get("user_id").isTextual(), "SessionDTO requires both: " + dto);
            assertTrue(dto.get("consumption_offsets").isObject(), dto.toString());
            Instant.parse(dto.get("created_at").asText());
            assertTrue(dto.get("title").isNull() || dto.get("title").isTextual(), dto.toString());
            final String format = SENT.stream().filter(s -> s.session().equals(session)).findFirst().orElseThrow().format();
            assertEquals(Map.of("E", "flux0", "Y", "syllable", "K", "inkeep").get(format), dto.get("stats").get("origin").asText());
        }
        assertEquals("vUfk4PgjTm", http.get("/v1/sessions/" + FLUX0_SESSION).body().get("agent_id").asText(),
                "a flux0 session learns its agent from its events' metadata.agent_id");
        assertEquals("+18042221111", http.get("/v1/sessions/b5c1e7f2-3c1d-4a55-9f0e-1d2a3b4c5d6e").body().get("user_id").asText());
        assertEquals("u_42", http.get("/v1/sessions/conv_1234").body().get("user_id").asText(), "Inkeep userProperties.id");
        final JsonNode search = http.get("/v1/sessions/" + encode("inkeep-search:98765:2025-02-06") + "?include=stats").body();
        assertEquals("98765", search.get("user_id").asText(), "Inkeep userProperties.userId, stringified");
        assertEquals("unknown", search.get("agent_id").asText(), "Inkeep events name no agent");
        assertEquals("c-84312", http.get("/v1/sessions/c-84312?include=stats").body().get("stats").get("conversation_id").asText());
        // Y/01 names its session and the conversation c-84312; Y/03 names only the conversation, its session.
        assertEquals(Set.of("b5c1e7f2-3c1d-4a55-9f0e-1d2a3b4c5d6e", "c-84312"), sessionIds("conversation_id=c-84312"));
    }

    // ---- Events across sessions ----

    @Test
    void eventsAcrossSessionsAreFoundByTimeTypeOriginAndTheFieldsSent() throws Exception {
        final List<JsonNode> all = data(http.awaitGet("/v1/events?include_deleted=true&limit=1000",
                a -> a.status() == 200 && a.body().get("data").size() == SENT.size(), Duration.ofSeconds(20)));
        final List<String> positions = new ArrayList<>();
        for (final JsonNode item : all) {
            final String session = item.get("session_id").asText();
            final JsonNode event = item.get("event");
            assertEquals(http.get(events(session, null) + "/" + encode(event.get("id").asText())).body(), event,
                    "the same EventDTO as the session's own route");
            positions.add(Instant.parse(event.get("created_at").asText()) + " " + session + " " + event.get("offset").asLong());
        }
        final List<Instant> times = all.stream().map(i -> Instant.parse(i.get("event").get("created_at").asText())).toList();
        final List<Instant> newestFirst = new ArrayList<>(times);
        newestFirst.sort(java.util.Comparator.reverseOrder());
        assertEquals(newestFirst, times, "newest first by default");
        // A cursor walk, oldest first, meets every event once.
        final List<String> walked = new ArrayList<>();
        String cursor = null;
        do {
            final JsonNode page = http.get("/v1/events?include_deleted=true&order=asc&limit=7" + (cursor == null ? "" : "&cursor=" + cursor)).body();
            page.get("data").forEach(i -> walked.add(i.get("session_id").asText() + "/" + i.get("event").get("id").asText()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        assertEquals(SENT.size(), walked.size());
        assertEquals(SENT.size(), new HashSet<>(walked).size(), "no event twice");
        assertEquals(SENT.size(), http.get("/v1/events?include_deleted=true&limit=1&total_count=true").body().get("total_count").asInt());

        final long syllable = SENT.stream().filter(sent -> sent.format().equals("Y")).count();
        assertEquals(syllable, data(http.get("/v1/events?include_deleted=true&limit=1000&origin=syllable")).size());
        assertEquals(syllable, data(http.get("/v1/events?include_deleted=true&limit=1000"
                + "&start_datetime=2025-03-07T14:00:00Z&end_datetime=2025-03-07T15:00:00Z")).size(), "the Syllable events' hour");
        for (final String type : TYPES) {
            final long shown = all.stream().filter(i -> i.get("event").get("type").asText().equals(type)).count();
            assertEquals(shown, data(http.get("/v1/events?include_deleted=true&limit=1000&types=" + type)).size(), type);
        }
        final long automation = SENT.stream().filter(sent -> "automation".equals(text(sent.document(), "category"))).count();
        assertTrue(automation >= 2, "the fixtures hold automation events");
        assertEquals(automation, data(http.get("/v1/events?limit=1000&search_fields=category&search_field_values=automation")).size());
        assertRefused("/v1/events?types=robot", "types");
        assertRefused("/v1/events?start_datetime=yesterday", "start_datetime");
        assertRefused("/v1/events?search_fields=category", "search_fields");
        assertRefused("/v1/events?cursor=nonsense", "cursor");
        assertRefused("/v1/events?order=sideways", "order");
    }

    @Test
    void syllablesListShapeAnswersEveryOriginAsSyllableEvents() {
        final JsonNode first = http.get("/v1/syllable/events?search_fields=category&search_field_values=automation&limit=1").body();
        final List<Sent> automation = SENT.stream().filter(sent -> "automation".equals(text(sent.document(), "category")))
                .sorted(java.util.Comparator.comparing((Sent sent) -> Instant.parse(sent.document().get("timestamp").asText())).reversed())
                .toList();
        assertEquals(automation.size(), first.get("total_count").asInt());
        assertEquals(automation.size(), first.get("total_pages").asInt());
        assertEquals(0, first.get("page").asInt());
        assertEquals(1, first.get("page_size").asInt());
        assertEquals(List.of(automation.get(0).document()), data(first.get("items")), "a Syllable event as it was sent");
        assertEquals(List.of(automation.get(1).document()), data(http.get("/v1/syllable/events?search_fields[]=category"
                + "&search_field_values[]=automation&limit=1&page=1").body().get("items")), "page 1, array-style parameters");
        final List<JsonNode> inkeep = data(http.get("/v1/syllable/events?origin=inkeep&limit=100&include_deleted=true").body().get("items"));
        assertEquals(SENT.stream().filter(sent -> sent.format().equals("K")).count(), inkeep.size());
        for (final JsonNode item : inkeep) {
            assertEquals("inkeep", item.get("category").asText());
            Instant.parse(item.get("timestamp").asText());
            final Sent sent = sentIn(item.get("session_id").asText()).get(item.get("source_id").asText());
            assertEquals(sent.document(), item.get("attributes"), "the Inkeep event, whole, in attributes");
        }
        final JsonNode projected = http.get("/v1/syllable/events?origin=flux0&limit=1&fields=timestamp&fields=type").body().get("items").get(0);
        final Set<String> names = new TreeSet<>();
        projected.fieldNames().forEachRemaining(names::add);
        assertEquals(Set.of("timestamp", "type"), names, "Syllable's fields projection");
        assertRefused("/v1/syllable/events?order_by=category", "order_by");
        assertRefused("/v1/syllable/events?page=20&limit=1000", "page");
    }

    // ---- Filters: one test per filter, for each origin; each expectation is computed from the values shown. ----

    @ParameterizedTest
    @ValueSource(strings = {"E", "Y", "K"})
    void typesFiltersOnTheTypeShown(final String format) {
        final String session = MATRIX_SESSION.get(format);
        final List<JsonNode> visible = visible(session);
        final Set<String> found = new HashSet<>();
        for (final String type : TYPES) {
            final List<String> expected = ids(visible, e -> e.get("type").asText().equals(type));
            assertEquals(expected, orderedIds(http.get(events(session, "types=" + type))), format + " ?types=" + type);
            found.addAll(expected);
        }
        assertEquals(new HashSet<>(ids(visible, e -> true)), found, "every event is found by the type it shows");
        assertEquals(ids(visible, e -> Set.of("custom", "status").contains(e.get("type").asText())),
                orderedIds(http.get(events(session, "types=custom,status"))), "several types");
        assertRefused(events(session, "types=" + (format.equals("E") ? "tool_call_result" : "phone-transfer")), "types");
    }

    @ParameterizedTest
    @ValueSource(strings = {"E", "Y", "K"})
    void sourceFiltersOnTheSourceShown(final String format) {
        final String session = MATRIX_SESSION.get(format);
        final List<JsonNode> visible = visible(session);
        final Set<String> found = new HashSet<>();
        for (final String source : SOURCES) {
            final List<String> expected = ids(visible, e -> e.get("source").asText().equals(source));
            assertEquals(expected, orderedIds(http.get(events(session, "source=" + source))), format + " ?source=" + source);
            found.addAll(expected);
        }
        assertEquals(new HashSet<>(ids(visible, e -> true)), found, "every event is found by the source it shows");
        assertRefused(events(session, "source=tool-call"), "source");
    }

    @ParameterizedTest
    @ValueSource(strings = {"E", "Y", "K"})
    void correlationIdAndRootFilterOnTheCorrelationShown(final String format) {
        final String session = MATRIX_SESSION.get(format);
        final List<JsonNode> visible = visible(session);
        for (final JsonNode event : visible) {
            final String correlation = event.get("correlation_id").asText();
            assertEquals(ids(visible, e -> e.get("correlation_id").asText().equals(correlation)),
                    orderedIds(http.get(events(session, "correlation_id=" + encode(correlation)))), format + " " + correlation);
            final String root = correlation.split("::", 2)[0];
            assertEquals(ids(visible, e -> e.get("correlation_id").asText().split("::", 2)[0].equals(root)),
                    orderedIds(http.get(events(session, "correlation_root=" + encode(root)))), format + " root " + root);
        }
        assertEquals(List.of(), orderedIds(http.get(events(session, "correlation_id=nothing-correlates"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"E", "Y", "K"})
    void minOffsetAndLimitPageThroughTheOffsetsShown(final String format) {
        final String session = MATRIX_SESSION.get(format);
        final List<JsonNode> visible = visible(session);
        final long last = visible.get(visible.size() - 1).get("offset").asLong();
        for (long min = 0; min <= last + 1; min++) {
            final long from = min;
            assertEquals(ids(visible, e -> e.get("offset").asLong() >= from), orderedIds(http.get(events(session, "min_offset=" + min))));
        }
        for (int limit = 1; limit <= visible.size(); limit++) {
            assertEquals(ids(visible, e -> true).subList(0, limit), orderedIds(http.get(events(session, "limit=" + limit))));
        }
        assertRefused(events(session, "min_offset=-1"), "min_offset");
        assertRefused(events(session, "limit=0"), "limit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"E", "Y", "K"})
    void includeDeletedShowsTheDeletedEventStruckAsDeleted(final String format) {
        final String session = MATRIX_SESSION.get(format);
        final List<JsonNode> all = data(http.get(events(session, "include_deleted=true")));
        final List<String> deleted = ids(all, e -> e.get("deleted").asBoolean());
        assertEquals(1, deleted.size(), "the filter session has one deleted event");
        assertEquals(ids(all, e -> !e.get("deleted").asBoolean()), orderedIds(http.get(events(session, null))));
        assertEquals(ids(all, e -> !e.get("deleted").asBoolean()), orderedIds(http.get(events(session, "include_deleted=false"))));
        assertRefused(events(session, "include_deleted=maybe"), "include_deleted");
    }

    @ParameterizedTest
    @ValueSource(strings = {"E", "Y", "K"})
    void sessionListingsFilterOnTheOriginOwnersAndConversationShown(final String format) {
        final String session = MATRIX_SESSION.get(format);
        final JsonNode dto = http.get("/v1/sessions/" + session + "?include=stats").body();
        final String origin = dto.get("stats").get("origin").asText();
        assertTrue(sessionIds("origin=" + origin).contains(session), format + " ?origin=" + origin);
        for (final String other : List.of("flux0", "syllable", "inkeep")) {
            if (!other.equals(origin)) {
                assertTrue(!sessionIds("origin=" + other).contains(session), "?origin=" + other);
            }
        }
        assertTrue(sessionIds("agent_id=" + encode(dto.get("agent_id").asText())).contains(session), "the agent shown: " + dto);
        assertTrue(sessionIds("user_id=" + encode(dto.get("user_id").asText())).contains(session), "the user shown: " + dto);
        assertTrue(!sessionIds("user_id=someone-else").contains(session));
        final JsonNode conversation = dto.get("stats").get("conversation_id");
        if (conversation.isTextual()) {
            assertEquals(List.of(session), new ArrayList<>(sessionIds("conversation_id=" + encode(conversation.asText()))));
        } else {
            assertEquals("E", format, "flux0 events carry no conversation");
        }
        assertRefused("/v1/sessions?origin=" + format, "origin");
    }

    // ---- What an answer must be ----

    /** flux0's EventDTO (extra="forbid"): required fields non-null, enums within flux0's values, data per its type. */
    private static void assertValidEventDto(final JsonNode event, final Sent sent) {
        final Set<String> fields = new TreeSet<>();
        event.fieldNames().forEachRemaining(fields::add);
        assertEquals(new TreeSet<>(EVENT_DTO_FIELDS), fields, "exactly EventDTO's fields: " + event);
        for (final String field : List.of("id", "correlation_id", "type", "source", "offset", "data", "deleted", "created_at")) {
            assertTrue(event.hasNonNull(field), field + " is required: " + event);
        }
        assertTrue(event.get("id").isTextual() && event.get("correlation_id").isTextual(), event.toString());
        assertTrue(TYPES.contains(event.get("type").asText()), event.toString());
        assertTrue(SOURCES.contains(event.get("source").asText()), event.toString());
        assertTrue(event.get("offset").isIntegralNumber() && event.get("offset").asLong() >= 0, event.toString());
        assertTrue(event.get("deleted").isBoolean(), event.toString());
        assertEquals(event.get("created_at").asText(), Instant.parse(event.get("created_at").asText()).toString(),
                "RFC 3339 UTC: " + event);
        assertTrue(event.get("metadata").isObject() || event.get("metadata").isNull(), event.toString());
        final JsonNode data = event.get("data");
        assertTrue(data.isObject(), "data is an object: " + event);
        final String dataType = Map.of("message", "message", "tool", "tool_call_result", "status", "status")
                .get(event.get("type").asText());
        if (dataType != null) {
            assertEquals(dataType, data.get("type").asText(), "flux0's data union: " + event);
        }
        if (sent.format().equals("E")) {
            assertEquals(sent.document().get("data"), data, "a flux0 event's data as sent");
        } else {
            assertEquals("custom", event.get("type").asText());
            assertEquals(sent.document(), data, "a Syllable or Inkeep event's data is the document sent, whole");
            assertEquals(sent.id(), event.get("correlation_id").asText(), "a root of its own");
            assertEquals(Map.of("Y", "syllable", "K", "inkeep").get(sent.format()), event.get("metadata").get("origin").asText());
        }
    }

    /**
     * {@code ?shape=origin}: a Syllable event JSON-equal to what was sent; a flux0 event as sent with sessionlog's offset
     * (and its id); an Inkeep event as Inkeep's Select…Event, every field sent equal (createdAt the same instant, or
     * the ingest time when none was sent), extra fields included.
     */
    private static void assertSentShape(final Sent sent, final JsonNode dto, final JsonNode origin) {
        final JsonNode document = sent.document();
        switch (sent.format()) {
            case "Y" -> assertEquals(document, origin, "a Syllable event as sent");
            case "E" -> {
                final ObjectNode expected = document.deepCopy();
                expected.put("id", sent.id());
                expected.put("offset", dto.get("offset").asLong());
                assertEquals(readTree(expected.toString()), origin, "a flux0 event as sent, with sessionlog's offset");
            }
            default -> {
                final String subject = Map.of("message", "messageId", "search", "searchQuery")
                        .getOrDefault(document.get("entityType").asText(), "conversationId");
                final Set<String> expectedFields = new TreeSet<>(Set.of("id", "type", subject, "createdAt", "projectId",
                        "integrationId", "properties", "userProperties", "entityType"));
                document.fieldNames().forEachRemaining(expectedFields::add);
                final Set<String> fields = new TreeSet<>();
                origin.fieldNames().forEachRemaining(fields::add);
                assertEquals(expectedFields, fields, "Inkeep's Select…Event fields and every field sent: " + origin);
                document.fields().forEachRemaining(field -> {
                    if (!field.getKey().equals("createdAt")) {
                        assertEquals(field.getValue(), origin.get(field.getKey()), field.getKey() + " as sent");
                    }
                });
                final Instant created = Instant.parse(origin.get("createdAt").asText());
                if (document.hasNonNull("createdAt")) {
                    assertEquals(java.time.OffsetDateTime.parse(document.get("createdAt").asText()).toInstant(), created);
                }
                assertEquals(sent.id(), origin.get("id").asText());
            }
        }
    }

    private static void assertRefused(final String path, final String parameter) {
        final Http.Answer answer = http.get(path);
        assertEquals(400, answer.status(), path);
        assertEquals("application/problem+json", answer.contentType());
        assertEquals(parameter, answer.body().get("errors").get(0).get("field").asText(), path);
    }

    // ---- Writing ----

    private static void writeTheFilterSessions() {
        final String e = MATRIX_SESSION.get("E");
        post(route("E").replace(FLUX0_SESSION, e), "[" + String.join(",",
                QueryIT.event("fm1", "message", "user", "RID(A)"),
                QueryIT.event("fs1", "status", "ai_agent", "RID(A)::B"),
                QueryIT.event("ft1", "tool", "ai_agent", "RID(A)::B"),
                QueryIT.event("fc1", "custom", "system", "RID(C)::D"),
                QueryIT.event("fm2", "message", "ai_agent", "RID(C)")) + "]", "E", e);
        final String y = MATRIX_SESSION.get("Y");
        final List<String> syllable = new ArrayList<>();
        final String[] sources = {"user", "tool-call", "prompt", null, "agent"};
        for (int i = 0; i < sources.length; i++) {
            syllable.add("{\"timestamp\":\"2025-03-07T14:0" + i + ":00Z\",\"session_id\":\"" + y + "\",\"conversation_id\":\"" + y
                    + "-conversation\",\"source\":" + (sources[i] == null ? "null" : "\"" + sources[i] + "\"")
                    + ",\"type\":\"step-" + i + "\",\"user_id\":\"+15550000" + i + "\"}");
        }
        post(route("Y"), "[" + String.join(",", syllable) + "]", "Y", y);
        final String k = MATRIX_SESSION.get("K");
        final List<String> inkeep = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            inkeep.add("{\"type\":\"" + (i % 2 == 0 ? "conversation_shared" : "conversation_thumbs_up") + "\",\"conversationId\":\"" + k
                    + "\",\"createdAt\":\"2025-02-06T16:4" + i + ":00Z\",\"userProperties\":{\"id\":\"u-" + i + "\"},\"entityType\":\"conversation\"}");
        }
        post(route("K"), "[" + String.join(",", inkeep) + "]", "K", k);
        for (final String session : MATRIX_SESSION.values()) {
            final long count = SENT.stream().filter(s -> s.session().equals(session)).count();
            final JsonNode last = data(http.awaitGet(events(session, null), a -> a.status() == 200 && a.body().get("data").size() == count,
                    Duration.ofSeconds(30))).get((int) count - 2);
            assertEquals(202, http.delete(events(session, null) + "/" + encode(last.get("id").asText())).status());
        }
        for (final String session : MATRIX_SESSION.values()) {
            final long count = SENT.stream().filter(s -> s.session().equals(session)).count();
            http.awaitGet(events(session, null), a -> a.status() == 200 && a.body().get("data").size() == count - 1, Duration.ofSeconds(30));
        }
    }

    private static void post(final String path, final String body, final String format, final String session) {
        final Http.Answer answer = http.post(path, body);
        assertTrue(answer.status() == 200 || answer.status() == 202, path + ": " + answer.status() + " " + answer.body());
        final JsonNode accepted = format.equals("K") ? answer.body() : answer.body().get("data");
        final List<JsonNode> documents = data(readTree(body));
        for (int i = 0; i < documents.size(); i++) {
            SENT.add(new Sent(format, session, accepted.get(i).get("id").asText(), documents.get(i)));
        }
    }

    /** The session an Inkeep event belongs to, by the rule docs/http-api.md states. */
    private static String inkeepSession(final JsonNode document) {
        if (document.hasNonNull("conversationId")) {
            return document.get("conversationId").asText();
        }
        if (document.path("properties").hasNonNull("conversationId")) {
            return document.get("properties").get("conversationId").asText();
        }
        if (document.get("entityType").asText().equals("message")) {
            return "inkeep-message:" + document.get("messageId").asText();
        }
        final JsonNode user = document.path("userProperties");
        final String id = user.hasNonNull("userId") ? user.get("userId").asText() : user.hasNonNull("id") ? user.get("id").asText() : "anonymous";
        return "inkeep-search:" + id + ":" + document.get("createdAt").asText().substring(0, 10);
    }

    // ---- Reading ----

    /** The first {@code count} events of a Server-Sent Events stream, or a failure after 30 s. */
    private static List<JsonNode> serverSentEvents(final String path, final int count) throws Exception {
        final HttpResponse<java.io.InputStream> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.httpUrl() + path))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode(), path);
        final CompletableFuture<List<JsonNode>> read = CompletableFuture.supplyAsync(() -> {
            final List<JsonNode> received = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                while (received.size() < count) {
                    final String line = reader.readLine();
                    assertNotNull(line, "the stream ended after " + received.size() + " events");
                    if (line.startsWith("data: ")) {
                        received.add(JSON.readTree(line.substring(6)));
                    }
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            return received;
        });
        try {
            return read.get(30, TimeUnit.SECONDS);
        } finally {
            stream.body().close();
        }
    }

    /** Decodes Confluent wire-format values with the writer's schema fetched from the registry by id, generically. */
    private static Deserializer<GenericRecord> registryDecoder() {
        final Map<Integer, Schema> schemas = new HashMap<>();
        final String registry = app.registryUrl().orElseThrow();
        return (topic, bytes) -> {
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            assertEquals(0, buffer.get(), "magic byte");
            final Schema schema = schemas.computeIfAbsent(buffer.getInt(), id -> new Schema.Parser().parse(
                    readTree(httpGet(registry + "/schemas/ids/" + id)).get("schema").asText()));
            try {
                return new GenericDatumReader<GenericRecord>(schema).read(null,
                        DecoderFactory.get().binaryDecoder(bytes, buffer.position(), buffer.remaining(), null));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        };
    }

    private static String httpGet(final String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static List<JsonNode> visible(final String session) {
        return data(http.get(events(session, null)));
    }

    private static Set<String> sessions() {
        return new TreeSet<>(SENT.stream().map(Sent::session).toList());
    }

    private static Map<String, Sent> sentIn(final String session) {
        final Map<String, Sent> byId = new LinkedHashMap<>();
        SENT.stream().filter(s -> s.session().equals(session)).forEach(s -> byId.put(s.id(), s));
        return byId;
    }

    private static Set<String> sessionIds(final String query) {
        final Set<String> ids = new TreeSet<>();
        http.get("/v1/sessions?limit=1000&" + query).body().get("data").forEach(s -> ids.add(s.get("id").asText()));
        return ids;
    }

    private static boolean containsEvent(final Http.Answer answer, final String id) {
        return data(answer).stream().anyMatch(c -> c.get("event").get("id").asText().equals(id));
    }

    private static String route(final String format) {
        return switch (format) {
            case "E" -> "/v1/sessions/" + FLUX0_SESSION + "/events";
            case "Y" -> "/v1/syllable/events";
            default -> "/v1/inkeep/events";
        };
    }

    private static String events(final String session, final String query) {
        return "/v1/sessions/" + encode(session) + "/events" + (query == null ? "" : "?" + query);
    }

    private static List<JsonNode> data(final Http.Answer answer) {
        assertEquals(200, answer.status(), answer.body().toString());
        return data(answer.body().has("data") ? answer.body().get("data") : answer.body());
    }

    private static List<JsonNode> data(final JsonNode array) {
        return array.isArray() ? StreamSupport.stream(array.spliterator(), false).toList() : List.of(array);
    }

    private static Set<String> ids(final List<JsonNode> events) {
        return new TreeSet<>(ids(events, e -> true));
    }

    private static List<String> ids(final List<JsonNode> events, final Predicate<JsonNode> keep) {
        return events.stream().filter(keep).map(e -> e.get("id").asText()).toList();
    }

    private static List<String> orderedIds(final Http.Answer answer) {
        return ids(data(answer), e -> true);
    }

    private static String text(final JsonNode document, final String field) {
        return document.hasNonNull(field) ? document.get(field).asText() : null;
    }

    private static String string(final Object value) {
        return value == null ? null : value.toString();
    }

    private static JsonNode readTree(final String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
