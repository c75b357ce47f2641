package io.sessionlog.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import io.sessionlog.projections.http.Flux0Dtos;
import io.sessionlog.projections.query.EventFilter;
import io.sessionlog.projections.query.Route;
import io.sessionlog.projections.query.SessionQueries;
import io.sessionlog.projections.query.SessionUpdates;
import io.sessionlog.projections.query.StoreLookup;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventKind;
import io.sessionlog.schemas.avro.Origin;
import io.sessionlog.schemas.avro.OffsetRange;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.registry.MockSchemaRegistry;
import io.sessionlog.schemas.serde.SpecificAvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectionsTopologyTest {

    private static final String SCOPE = "projections-test";
    private static final Topics TOPICS = new Topics("t.");
    private static final Route.Local HERE = new Route.Local(0, false);
    private static final Instant T0 = Instant.parse("2025-01-29T09:27:41Z");

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, StampedEvent> events;
    private TestInputTopic<String, SessionView> sessions;
    private SessionQueries queries;

    @BeforeEach
    void start() {
        final Map<String, Object> serde = Map.of("schema.registry.url", "mock://" + SCOPE);
        final Properties props = new ProjectionsConfig(Map.of("schema.registry.url", "mock://" + SCOPE,
                ProjectionsConfig.STATE_DIR, stateDir.toString())).streamsProperties("localhost:8080");
        props.put("bootstrap.servers", "unused:9092");
        driver = new TopologyTestDriver(ProjectionsTopology.build(TOPICS, serde, new SessionUpdates()), props);
        events = driver.createInputTopic(TOPICS.events(), Serdes.String().serializer(),
                SpecificAvroSerde.forValues(StampedEvent.class, serde).serializer());
        sessions = driver.createInputTopic(TOPICS.sessions(), Serdes.String().serializer(),
                SpecificAvroSerde.forValues(SessionView.class, serde).serializer());
        queries = new SessionQueries(new StoreLookup() {
            @Override
            public <K, V> org.apache.kafka.streams.state.ReadOnlyKeyValueStore<K, V> keyValueStore(final String name,
                                                                                                 final int partition, final boolean stale) {
                return driver.getKeyValueStore(name);
            }
        });
    }

    @AfterEach
    void stop() {
        driver.close();
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void listsOneSessionsEventsInOffsetOrderFromMinOffsetWithoutOtherSessions() {
        for (int offset = 0; offset < 5; offset++) {
            events.pipeInput("a", stamped("a", offset, "message", false));
            events.pipeInput("ab", stamped("ab", offset, "status", false));
        }
        final List<Long> offsets = queries.events("a", filter(2, Set.of(), false), HERE).stream().map(StampedEvent::getOffset).toList();
        assertEquals(List.of(2L, 3L, 4L), offsets);
        assertTrue(queries.events("a", filter(0, Set.of(), false), HERE).stream().allMatch(e -> e.getSessionKey().equals("a")),
                "a session key that is a prefix of another does not leak its neighbour's events");
        assertEquals(5, queries.events("ab", filter(0, Set.of("status"), false), HERE).size());
        assertEquals(0, queries.events("a", filter(0, Set.of("status"), false), HERE).size());
    }

    @Test
    void hidesDeletedEventsUnlessAskedAndFindsThemById() {
        events.pipeInput("a", stamped("a", 0, "message", false));
        events.pipeInput("a", stamped("a", 1, "message", false));
        events.pipeInput("a", stamped("a", 1, "message", true));
        assertEquals(List.of(0L), queries.events("a", filter(0, Set.of(), false), HERE).stream().map(StampedEvent::getOffset).toList());
        assertEquals(2, queries.events("a", filter(0, Set.of(), true), HERE).size());
        assertTrue(queries.event("a", "a-1", HERE).orElseThrow().getEvent().getDeleted());
    }

    @Test
    void eventsInTheViewsPendingDeletesAreDeletedBeforeTheirDeletedRecordsArrive() {
        for (int offset = 0; offset < 12; offset++) {
            events.pipeInput("long", stamped("long", offset, "message", false));
        }
        events.pipeInput("long", stamped("long", 3, "message", true)); // re-emitted already
        sessions.pipeInput("long", SessionView.newBuilder().setSessionKey("long").setOrigin(Origin.FLUX0).setId("long")
                .setCreatedAt(T0).setLastOffset(11).setEventCount(12).setDeletedCount(8).setUpdatedAt(T0)
                .setPendingDeletes(List.of(new OffsetRange(2L, 5L), new OffsetRange(8L, 11L))).build());

        assertEquals(List.of(0L, 1L, 6L, 7L), queries.events("long", filter(0, Set.of(), false), HERE).stream()
                .map(StampedEvent::getOffset).toList(), "a listing leaves them out, past each range");
        assertEquals(List.of(6L, 7L), queries.events("long", filter(4, Set.of(), false), HERE).stream()
                .map(StampedEvent::getOffset).toList(), "from within a range");
        final List<StampedEvent> all = queries.events("long", filter(0, Set.of(), true), HERE);
        assertEquals(12, all.size(), "asked for, they are shown");
        all.forEach(e -> assertEquals(e.getOffset() >= 2 && e.getOffset() <= 5 || e.getOffset() >= 8, e.getEvent().getDeleted(),
                "offset " + e.getOffset() + " shown deleted as its deleted record will say"));
        assertTrue(queries.event("long", "long-9", HERE).orElseThrow().getEvent().getDeleted(), "by id too");
        assertEquals(false, queries.event("long", "long-7", HERE).orElseThrow().getEvent().getDeleted());
    }

    @Test
    void rendersExactlyFlux0sEventDtoAndSessionDto() throws Exception {
        events.pipeInput("zv3h4j5Fjv", stamped("zv3h4j5Fjv", 0, "message", false));
        sessions.pipeInput("zv3h4j5Fjv", SessionView.newBuilder().setSessionKey("zv3h4j5Fjv").setOrigin(Origin.FLUX0)
                .setId("zv3h4j5Fjv").setCreatedAt(T0).setConsumptionOffsets(Map.of("client", 0L)).setLastOffset(0)
                .setEventCount(1).setUpdatedAt(T0).build());

        final var event = Flux0Dtos.event(queries.events("zv3h4j5Fjv", filter(0, Set.of(), false), HERE).get(0));
        // Compared as JSON values, as a client parses the text: the fields and their values, whatever their order or spacing.
        final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertEquals(json.readTree("{\"id\":\"zv3h4j5Fjv-0\",\"correlation_id\":\"RID(x)::y\",\"type\":\"message\",\"source\":\"user\","
                + "\"offset\":0,\"data\":{\"type\":\"message\",\"parts\":[]},\"deleted\":false,"
                + "\"created_at\":\"2025-01-29T09:27:41Z\",\"metadata\":null}"), json.readTree(event.toString()));
        final var session = Flux0Dtos.session(queries.session("zv3h4j5Fjv", HERE).orElseThrow(), false);
        // SessionDTO requires agent_id and user_id as strings: a session that never learned them shows "unknown".
        assertEquals(json.readTree("{\"id\":\"zv3h4j5Fjv\",\"agent_id\":\"unknown\",\"user_id\":\"unknown\",\"consumption_offsets\":{\"client\":0},"
                + "\"created_at\":\"2025-01-29T09:27:41Z\",\"title\":null}"), json.readTree(session.toString()));
    }

    @Test
    void aDeletedRecordNamingItsEventWithoutContentMarksTheStoredEventDeletedWhichKeepsItsContent() {
        final StampedEvent original = stamped("a", 0, "message", false);
        original.getEvent().setRaw(ByteBuffer.wrap("{\"id\":\"a-0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        events.pipeInput("a", original);
        final StampedEvent identity = StampedEvent.newBuilder(original).setStampedAt(T0.plusSeconds(5))
                .setEvent(CanonicalEvent.newBuilder(original.getEvent()).setDeleted(true).setDataJson(null)
                        .setRaw(ByteBuffer.wrap(new byte[0])).build()).build();
        events.pipeInput("a", identity);

        final StampedEvent stored = queries.event("a", "a-0", HERE).orElseThrow();
        assertTrue(stored.getEvent().getDeleted());
        assertEquals(original.getEvent().getDataJson(), stored.getEvent().getDataJson(), "the content stays readable");
        assertEquals(original.getEvent().getRaw(), stored.getEvent().getRaw());
        assertEquals(T0.plusSeconds(5), stored.getStampedAt(), "stamped as deleted when the delete was");
        assertEquals(List.of(), queries.events("a", filter(0, Set.of(), false), HERE));
    }

    @Test
    void tombstonesOnEventsAndSessionsRemoveEverythingOfTheSessionButTheCounters() {
        final String gone = "erased-7f3a";
        for (final String session : List.of(gone, "kept")) {
            for (int offset = 0; offset < 3; offset++) {
                final StampedEvent event = stamped(session, offset, offset == 1 ? "status" : "message", offset == 2);
                event.setCorrelation(io.sessionlog.schemas.avro.Correlation.newBuilder().setRoot("RID(x)").setParent("RID(x)")
                        .setChainStartOffset(0).setChainStartEventId(session + "-0").setChainPosition(offset).build());
                events.pipeInput(session, event);
            }
            sessions.pipeInput(session, SessionView.newBuilder().setSessionKey(session).setOrigin(Origin.FLUX0).setId(session)
                    .setAgentId("agent-" + session).setUserId("user-" + session).setCreatedAt(T0).setLastOffset(2)
                    .setEventCount(3).setUpdatedAt(T0).build());
        }
        final Map<String, List<String>> countersBefore = counters();
        assertTrue(entriesNaming(gone) > 0);
        final long keptEntries = entriesNaming("kept");

        events.pipeInput(gone, null);
        sessions.pipeInput(gone, null);

        assertEquals(0, entriesNaming(gone), "no store keeps a key of the session");
        assertEquals(keptEntries, entriesNaming("kept"));
        assertTrue(queries.session(gone, HERE).isEmpty());
        assertEquals(List.of(), queries.events(gone, filter(0, Set.of(), true), HERE));
        assertTrue(queries.event(gone, gone + "-0", HERE).isEmpty());
        assertEquals(List.of("kept", "kept", "kept"), queries.correlated("RID(x)", null, true, null, 100).stream()
                .map(StampedEvent::getSessionKey).toList(), "the correlation index points at the other session only");
        assertEquals(countersBefore, counters(), "the counters keep what was received: they name no one");
    }

    /** The entries of every store whose key or value holds {@code text} (a session key) in UTF-8. */
    private long entriesNaming(final String text) {
        final byte[] needle = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long count = 0;
        for (final String store : driver.getAllStateStores().keySet()) {
            try (var all = driver.<Object, Object>getKeyValueStore(store).all()) {
                while (all.hasNext()) {
                    final var entry = all.next();
                    count += contains(bytesOf(entry.key), needle) || contains(bytesOf(entry.value), needle) ? 1 : 0;
                }
            }
        }
        return count;
    }

    private static byte[] bytesOf(final Object value) {
        if (value instanceof org.apache.kafka.common.utils.Bytes bytes) {
            return bytes.get();
        }
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        return String.valueOf(value).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static boolean contains(final byte[] haystack, final byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Every stats counter, by store: key bytes and value. */
    private Map<String, List<String>> counters() {
        final Map<String, List<String>> all = new java.util.TreeMap<>();
        for (final var interval : io.sessionlog.projections.query.StatsKey.Interval.values()) {
            for (final String store : List.of(interval.eventStore(), interval.sessionStore())) {
                final List<String> entries = new java.util.ArrayList<>();
                try (var it = driver.<org.apache.kafka.common.utils.Bytes, Long>getKeyValueStore(store).all()) {
                    it.forEachRemaining(e -> entries.add(e.key + "=" + e.value));
                }
                all.put(store, entries);
            }
        }
        return all;
    }

    private static EventFilter filter(final long minOffset, final Set<String> types, final boolean includeDeleted) {
        return new EventFilter(minOffset, types, null, null, null, includeDeleted, EventFilter.MAX_LIMIT);
    }

    private static StampedEvent stamped(final String session, final long offset, final String type, final boolean deleted) {
        final CanonicalEvent event = CanonicalEvent.newBuilder().setEventId(session + "-" + offset).setOrigin(Origin.FLUX0)
                .setKind(EventKind.valueOf(type.toUpperCase(java.util.Locale.ROOT))).setType(type).setSource("user")
                .setCorrelationId("RID(x)::y").setOccurredAt(T0).setDeleted(deleted)
                .setDataJson("{\"type\":\"" + type + "\",\"parts\":[]}").setSchemaRef("flux0.EventDTO")
                .setRaw(ByteBuffer.wrap(new byte[0])).build();
        return StampedEvent.newBuilder().setSessionKey(session).setOffset(offset).setEvent(event)
                .setIngestedAt(T0).setStampedAt(T0).build();
    }
}
