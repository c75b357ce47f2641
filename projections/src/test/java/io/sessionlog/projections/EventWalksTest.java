package io.sessionlog.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionlog.projections.query.EventBrowse;
import io.sessionlog.projections.query.EventSearch;
import io.sessionlog.projections.query.EventWalks;
import io.sessionlog.projections.query.KafkaPosition;
import io.sessionlog.projections.query.Route;
import io.sessionlog.projections.query.SessionQueries;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventKind;
import io.sessionlog.schemas.avro.Origin;
import io.sessionlog.schemas.avro.StampedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The events-by-time index and the walks over it: order, type index, time window, deletes, paging, field equality. */
class EventWalksTest {

    private static final Instant T0 = Instant.parse("2025-03-07T14:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path stateDir;

    private ProjectionsDriver projections;
    private EventWalks walks;
    private final Map<String, Long> offsets = new java.util.HashMap<>();

    @BeforeEach
    void start() {
        projections = new ProjectionsDriver("event-walks-test", stateDir);
        walks = new EventWalks(projections.stores, event -> {
            try {
                return JSON.readTree(StandardCharsets.UTF_8.decode(event.getRaw().duplicate()).toString());
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    @AfterEach
    void stop() {
        projections.close();
    }

    @Test
    void eventsAcrossSessionsByTimeThenSessionThenOffsetEitherWay() {
        append("b", "message", 5);
        append("a", "status", 5);
        append("a", "message", 1);
        append("c", "custom", 9);
        append("a", "message", 5);
        assertEquals(List.of("a@1", "a@0", "a@2", "b@0", "c@0"), ids(walk(false, search(), 10)),
                "by time, then session, then offset (a@1 is the earliest event although written third)");
        assertEquals(List.of("c@0", "b@0", "a@2", "a@0", "a@1"), ids(walk(true, search(), 10)));
    }

    @Test
    void oneTypeIsReadFromItsOwnPartOfTheIndexAndTheWindowIsHalfOpen() {
        append("a", "message", 1);
        append("a", "status", 2);
        append("b", "message", 3);
        append("b", "tool", 4);
        assertEquals(List.of("a@0", "b@0"), ids(walk(false, search(Set.of("message"), null, null, Map.of(), false), 10)));
        assertEquals(List.of("a@1", "b@1"), ids(walk(false, search(Set.of("status", "tool"), null, null, Map.of(), false), 10)));
        assertEquals(List.of("a@1", "b@0"), ids(walk(false, search(Set.of(), minutes(2), minutes(4), Map.of(), false), 10)), "[2, 4)");
        assertEquals(List.of("b@0"), ids(walk(true, search(Set.of("message"), minutes(2), null, Map.of(), false), 10)));
    }

    @Test
    void eachEventKeepsWhereItsLatestRecordSitsOnTheEventsTopic() {
        final SessionQueries queries = new SessionQueries(projections.stores);
        final StampedEvent first = append("a", "message", 1);
        final StampedEvent second = append("b", "message", 2);
        assertEquals(Optional.of(new KafkaPosition(0, 0)), queries.position(first, Route.Local.EVERY_LOCAL_PARTITION));
        assertEquals(Optional.of(new KafkaPosition(0, 1)), queries.position(second, Route.Local.EVERY_LOCAL_PARTITION));
        // A deletion re-emits the event: its details point at the record that carries its current state.
        first.getEvent().setDeleted(true);
        projections.events.pipeInput("a", first);
        assertEquals(Optional.of(new KafkaPosition(0, 2)), queries.position(first, Route.Local.EVERY_LOCAL_PARTITION));
    }

    @Test
    void aDeletedEventIsLeftOutUnlessAskedForAndKeepsItsPlace() {
        append("a", "message", 1);
        final StampedEvent second = append("a", "message", 2);
        append("a", "message", 3);
        second.getEvent().setDeleted(true);
        projections.events.pipeInput("a", second); // the processor re-emits a deleted event as it was, marked deleted
        assertEquals(List.of("a@0", "a@2"), ids(walk(false, search(), 10)));
        assertEquals(List.of("a@0", "a@1", "a@2"), ids(walk(false, search(Set.of(), null, null, Map.of(), true), 10)));
    }

    @Test
    void aCursorWalkMeetsEveryEventOnceEitherWay() {
        for (int i = 0; i < 25; i++) {
            append("s" + (i % 4), "message", i);
        }
        for (final boolean descending : List.of(false, true)) {
            final List<String> met = new ArrayList<>();
            EventBrowse.Position after = null;
            while (true) {
                final List<StampedEvent> page = walks.page(new EventBrowse(descending, search(), after, 4));
                if (page.isEmpty()) {
                    break;
                }
                page.forEach(e -> met.add(e.getSessionKey() + "@" + e.getOffset()));
                after = EventBrowse.Position.of(page.get(page.size() - 1));
            }
            assertEquals(25, met.size(), met.toString());
            assertEquals(25, new java.util.HashSet<>(met).size(), "no event twice: " + met);
        }
        assertEquals(25, walks.count(new EventBrowse(true, search(), null, 1)));
    }

    @Test
    void fieldsMatchTheTopLevelFieldsOfTheDocumentSent() {
        append("y", "custom", 1, "{\"timestamp\":\"2025-03-07T14:01:00Z\",\"category\":\"automation\",\"source_id\":\"hangup\"}");
        append("y", "custom", 2, "{\"timestamp\":\"2025-03-07T14:02:00Z\",\"category\":\"billing\",\"source_id\":\"hangup\"}");
        assertEquals(List.of("y@0"), ids(walk(false, search(Set.of(), null, null, Map.of("category", "automation"), false), 10)));
        assertEquals(List.of("y@0", "y@1"), ids(walk(false, search(Set.of(), null, null, Map.of("source_id", "hangup"), false), 10)));
        assertEquals(List.of(), ids(walk(false, search(Set.of(), null, null, Map.of("category", "automation", "source_id", "x"), false), 10)));
    }

    // ---- helpers ----

    private StampedEvent append(final String session, final String type, final int minute) {
        return append(session, type, minute, "{}");
    }

    private StampedEvent append(final String session, final String type, final int minute, final String raw) {
        final long offset = offsets.merge(session, 1L, Long::sum) - 1;
        final StampedEvent stamped = StampedEvent.newBuilder().setSessionKey(session).setOffset(offset)
                .setEvent(CanonicalEvent.newBuilder().setEventId(session + "@" + offset).setOrigin(Origin.FLUX0)
                        .setKind(EventKind.valueOf(type.toUpperCase(java.util.Locale.ROOT))).setType(type).setSource("user")
                        .setCorrelationId(session + "@" + offset).setOccurredAt(minutes(minute)).setDataJson("{}")
                        .setSchemaRef("flux0.EventDTO").setRaw(ByteBuffer.wrap(raw.getBytes(StandardCharsets.UTF_8))).build())
                .setIngestedAt(T0).setStampedAt(T0).build();
        projections.events.pipeInput(session, stamped);
        return stamped;
    }

    private List<StampedEvent> walk(final boolean descending, final EventSearch search, final int limit) {
        return walks.page(new EventBrowse(descending, search, null, limit));
    }

    private static EventSearch search() {
        return search(Set.of(), null, null, Map.of(), false);
    }

    private static EventSearch search(final Set<String> types, final Instant start, final Instant end, final Map<String, String> fields,
                                      final boolean includeDeleted) {
        return new EventSearch(start, end, types, Set.of(), Set.of(), null, null, null, null, fields, includeDeleted);
    }

    private static Instant minutes(final int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    private static List<String> ids(final List<StampedEvent> page) {
        return page.stream().map(e -> e.getSessionKey() + "@" + e.getOffset()).toList();
    }
}
