package io.sessionlog.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.serde.SpecificAvroSerde;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessorTopologyTest {

    private static final String SCOPE = "processor-test";
    private static final Topics TOPICS = ProcessorTestDriver.TOPICS;

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ALWAYS)
    Path stateDir;

    private ProcessorTestDriver test;
    private TopologyTestDriver driver;
    private TestInputTopic<String, WriteIntent> raw;
    private TestOutputTopic<String, StampedEvent> events;
    private TestOutputTopic<String, SessionView> sessions;
    private TestOutputTopic<String, byte[]> rejected;

    @BeforeEach
    void start() {
        test = new ProcessorTestDriver(SCOPE, stateDir, Map.of(ProcessorConfig.SESSION_CACHE_SIZE, sessionCacheSize()));
        driver = test.driver;
        raw = test.raw;
        events = test.events;
        sessions = test.sessions;
        rejected = test.rejected;
    }

    /** Session views each task keeps decoded: the default here; a subclass runs every rule again with a tiny cache. */
    int sessionCacheSize() {
        return (Integer) ProcessorConfig.configDef().defaultValues().get(ProcessorConfig.SESSION_CACHE_SIZE);
    }

    @AfterEach
    void stop() {
        test.close();
    }

    @Test
    void stampsOffsetsFromZeroPerSessionOverManyInterleavedSessions() {
        final Random random = new Random(42);
        final Map<String, Integer> sent = new HashMap<>();
        final List<String> order = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            final String session = "s" + random.nextInt(50);
            final int n = sent.merge(session, 1, Integer::sum);
            order.add(session);
            raw.pipeInput(session, Intents.event(session, session + "-e" + n));
        }
        final Map<String, Long> next = new HashMap<>();
        final List<StampedEvent> stamped = events.readValuesToList();
        assertEquals(2_000, stamped.size());
        for (final StampedEvent event : stamped) {
            final long expected = next.merge(event.getSessionKey(), 1L, Long::sum) - 1;
            assertEquals(expected, event.getOffset(), "offsets of " + event.getSessionKey() + " are 0, 1, 2... in order");
            assertEquals(event.getSessionKey() + "-e" + (expected + 1), event.getEvent().getEventId());
        }
        sent.forEach((session, count) -> assertEquals(count - 1L, lastView(session).getLastOffset()));
    }

    @Test
    void aDuplicateIdIsCountedNotStamped() {
        raw.pipeInput("s", Intents.event("s", "a"));
        raw.pipeInput("s", Intents.event("s", "b"));
        raw.pipeInput("s", Intents.event("s", "a"));
        raw.pipeInput("s", Intents.event("s", "c"));
        assertEquals(List.of(0L, 1L, 2L), events.readValuesToList().stream().map(StampedEvent::getOffset).toList());
        final SessionView view = lastView("s");
        assertEquals(3, view.getEventCount());
        assertEquals(1, view.getDuplicateCount());
    }

    @Test
    void createsASessionImplicitlyFromItsFirstEvent() {
        raw.pipeInput("zv3h4j5Fjv", Intents.event("zv3h4j5Fjv", "o5kf8vKzI5"));
        final SessionView view = lastView("zv3h4j5Fjv");
        assertEquals("zv3h4j5Fjv", view.getId());
        assertEquals(Intents.T0, view.getCreatedAt());
        assertEquals(Map.of("client", 0L), view.getConsumptionOffsets());
        assertNull(view.getAgentId());
    }

    @Test
    void sendsUnreadableBytesToRejectedAndKeepsRunning() {
        final TestInputTopic<String, byte[]> corrupt = driver.createInputTopic(TOPICS.raw(), Serdes.String().serializer(),
                new ByteArraySerializer());
        final byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        corrupt.pipeInput("s", garbage);
        raw.pipeInput("s", Intents.event("s", "a"));

        final TestRecord<String, byte[]> refused = rejected.readRecord();
        assertEquals(new String(garbage, StandardCharsets.UTF_8), new String(refused.value(), StandardCharsets.UTF_8));
        assertEquals("processor.deserialize", header(refused, RejectedRecords.STAGE));
        assertTrue(header(refused, RejectedRecords.REASON).contains("magic byte"), header(refused, RejectedRecords.REASON));
        assertEquals(TOPICS.raw(), header(refused, RejectedRecords.SOURCE_TOPIC));
        assertEquals("0", header(refused, RejectedRecords.SOURCE_OFFSET));
        assertEquals(0L, events.readValue().getOffset(), "the next record is processed");
    }

    @Test
    void keepsTheProducersOffsetAsOriginOffsetOnly() {
        final WriteIntent intent = Intents.event("s", "a");
        ((io.sessionlog.schemas.avro.EventAppended) intent.getIntent()).getEvent().setOriginOffset(41L);
        raw.pipeInput("s", intent);
        final StampedEvent stamped = events.readValue();
        assertEquals(0, stamped.getOffset());
        assertEquals(41L, stamped.getEvent().getOriginOffset());
    }

    @Test
    void linksCorrelationChainsToTheEventThatStartedThem() {
        raw.pipeInput("s", Intents.event("s", "user-msg", "RID(lyH-sVmwJO)", false));
        raw.pipeInput("s", Intents.event("s", "other", "u9ysV1pbcd", false));
        raw.pipeInput("s", Intents.event("s", "status", "RID(lyH-sVmwJO)::Y8oBzYT4CQ", false));
        raw.pipeInput("s", Intents.event("s", "tool", "RID(lyH-sVmwJO)::Y8oBzYT4CQ::sub", false));
        final List<StampedEvent> stamped = events.readValuesToList();
        final var first = stamped.get(0).getCorrelation();
        assertEquals("RID(lyH-sVmwJO)", first.getRoot());
        assertNull(first.getParent());
        assertEquals(0, first.getChainPosition());
        assertEquals("u9ysV1pbcd", stamped.get(1).getCorrelation().getRoot());
        assertEquals(0, stamped.get(1).getCorrelation().getChainPosition(), "another root starts its own chain");
        final var status = stamped.get(2).getCorrelation();
        assertEquals("RID(lyH-sVmwJO)", status.getRoot());
        assertEquals("RID(lyH-sVmwJO)", status.getParent());
        assertEquals(0, status.getChainStartOffset());
        assertEquals("user-msg", status.getChainStartEventId());
        assertEquals(1, status.getChainPosition());
        final var tool = stamped.get(3).getCorrelation();
        assertEquals("RID(lyH-sVmwJO)::Y8oBzYT4CQ", tool.getParent());
        assertEquals(2, tool.getChainPosition());
        assertEquals("RID(lyH-sVmwJO)::Y8oBzYT4CQ::sub", stamped.get(3).getEvent().getCorrelationId(), "kept verbatim");
    }

    @Test
    void continuesAChainWhenItsRootReturnsAfterOtherRequests() {
        // Requests interleave in a session: a chain left for another root resumes where it stopped.
        raw.pipeInput("s", Intents.event("s", "a0", "A", false));
        raw.pipeInput("s", Intents.event("s", "a1", "A::x", false));
        raw.pipeInput("s", Intents.event("s", "b0", "B", false));
        raw.pipeInput("s", Intents.event("s", "plain", null, false));
        raw.pipeInput("s", Intents.event("s", "c0", "C", false));
        raw.pipeInput("s", Intents.event("s", "a2", "A::y", false));
        raw.pipeInput("s", Intents.event("s", "b1", "B::z", false));
        final List<StampedEvent> stamped = events.readValuesToList();
        final var a2 = stamped.get(5).getCorrelation();
        assertEquals(2, a2.getChainPosition());
        assertEquals(0, a2.getChainStartOffset());
        assertEquals("a0", a2.getChainStartEventId());
        assertNull(stamped.get(3).getCorrelation(), "an event without a correlation id has no chain");
        final var b1 = stamped.get(6).getCorrelation();
        assertEquals(1, b1.getChainPosition());
        assertEquals(2, b1.getChainStartOffset());
        assertEquals("b0", b1.getChainStartEventId());
        final List<SessionView> views = sessions.readValuesToList();
        final var current = views.get(views.size() - 1).getCurrentChain();
        assertEquals("B", current.getRoot());
        assertEquals(1, current.getChainPosition());
    }

    @Test
    void eventsThatAreEachTheirOwnRootLeaveNothingInTheChainsStore() {
        // Syllable and Inkeep events are each their own root: a chain of one, which the event itself describes.
        for (int i = 0; i < 5; i++) {
            raw.pipeInput("s", Intents.event("s", "own-" + i, "own-" + i, false));
        }
        // A request chain that another root interrupts is kept, to be continued.
        raw.pipeInput("s", Intents.event("s", "r0", "R", false));
        raw.pipeInput("s", Intents.event("s", "r1", "R::x", false));
        raw.pipeInput("s", Intents.event("s", "other", "other", false));
        final org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes, io.sessionlog.schemas.avro.Correlation> chains =
                driver.getKeyValueStore(ProcessorNames.CHAINS_STORE);
        final List<String> kept = new java.util.ArrayList<>();
        try (var all = chains.all()) {
            all.forEachRemaining(entry -> kept.add(entry.value.getRoot()));
        }
        assertEquals(List.of("R"), kept);
    }

    @Test
    void aChainOfOneEventContinuesFromThatEventWhenItsRootReturns() {
        // own-1 starts a chain of one; two other roots later, an event continues it: position 1, started by own-1.
        raw.pipeInput("s", Intents.event("s", "own-0", "own-0", false));
        raw.pipeInput("s", Intents.event("s", "own-1", "own-1", false));
        raw.pipeInput("s", Intents.event("s", "own-2", "own-2", false));
        raw.pipeInput("s", Intents.event("s", "reply", "own-1::reply", false));
        raw.pipeInput("s", Intents.event("s", "reply-2", "own-1::reply::more", false));
        final List<StampedEvent> stamped = events.readValuesToList();
        final var reply = stamped.get(3).getCorrelation();
        assertEquals("own-1", reply.getRoot());
        assertEquals(1, reply.getChainStartOffset());
        assertEquals("own-1", reply.getChainStartEventId());
        assertEquals(1, reply.getChainPosition());
        assertEquals(2, stamped.get(4).getCorrelation().getChainPosition());
        // A root naming an event that belongs to another chain does not take that event as its start.
        raw.pipeInput("s", Intents.event("s", "late", "reply", false));
        final var late = events.readValuesToList().get(0).getCorrelation();
        assertEquals(5, late.getChainStartOffset());
        assertEquals(0, late.getChainPosition());
    }

    @Test
    void softDeletesTheTailReEmittingDeletedEventsWithTheirOffsets() {
        for (final String id : List.of("a", "b", "c", "d")) {
            raw.pipeInput("s", Intents.event("s", id));
        }
        events.readValuesToList();
        raw.pipeInput("s", Intents.deleteFrom("s", 2));
        final List<StampedEvent> reEmitted = events.readValuesToList();
        assertEquals(List.of(2L, 3L), reEmitted.stream().map(StampedEvent::getOffset).toList());
        assertTrue(reEmitted.stream().allMatch(e -> e.getEvent().getDeleted()));
        raw.pipeInput("s", Intents.deleteFrom("s", 2));
        assertTrue(events.isEmpty(), "deleting deleted events again is a no-op");
        raw.pipeInput("s", Intents.event("s", "e"));
        assertEquals(4, events.readValue().getOffset(), "a deleted event keeps its offset: the next one is 4, not 2");
        final SessionView view = lastView("s");
        assertEquals(5, view.getEventCount());
        assertEquals(2, view.getDeletedCount());
        assertEquals(4, view.getLastOffset());
    }

    @Test
    void softDeletesOneEventByIdIdempotently() {
        raw.pipeInput("s", Intents.event("s", "a"));
        raw.pipeInput("s", Intents.event("s", "b"));
        events.readValuesToList();
        raw.pipeInput("s", Intents.deleteEvent("s", "a"));
        final StampedEvent deleted = events.readValue();
        assertEquals("a", deleted.getEvent().getEventId());
        assertEquals(0, deleted.getOffset());
        assertTrue(deleted.getEvent().getDeleted());
        raw.pipeInput("s", Intents.deleteEvent("s", "a"));
        assertTrue(events.isEmpty());
        assertEquals(1, lastView("s").getDeletedCount());
        assertTrue(rejected.isEmpty());
    }

    @Test
    void aDeletedRecordNamesItsEventWithoutItsContentWhichTheStoreDoesNotKeepEither() {
        raw.pipeInput("s", Intents.event("s", "a"));
        final StampedEvent original = events.readValue();
        assertEquals("{\"type\":\"message\",\"parts\":[]}", original.getEvent().getDataJson(), "the first record is whole");
        assertTrue(original.getEvent().getRaw().remaining() > 0);
        final org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> stored =
                driver.getKeyValueStore(ProcessorNames.EVENTS_STORE);
        final StampedEvent kept = io.sessionlog.schemas.serde.SpecificAvroSerde.forValues(StampedEvent.class,
                java.util.Map.of("schema.registry.url", "mock://" + SCOPE)).deserializer()
                .deserialize(TOPICS.events(), stored.get(io.sessionlog.schemas.keys.SessionEventIdKey.of("s", "a")));
        assertEquals(0, kept.getEvent().getRaw().remaining(), "the store keeps the event's identity, not the document");
        assertNull(kept.getEvent().getDataJson());
        assertEquals(original.getCorrelation(), kept.getCorrelation());

        raw.pipeInput("s", Intents.deleteEvent("s", "a"));
        final StampedEvent deleted = events.readValue();
        assertTrue(deleted.getEvent().getDeleted());
        assertEquals(0, deleted.getEvent().getRaw().remaining(), "no copy of the producer's document");
        assertNull(deleted.getEvent().getDataJson(), "no copy of what was written");
        final StampedEvent expected = StampedEvent.newBuilder(original).setStampedAt(deleted.getStampedAt())
                .setEvent(io.sessionlog.schemas.avro.CanonicalEvent.newBuilder(original.getEvent()).setDeleted(true).setDataJson(null)
                        .setRaw(java.nio.ByteBuffer.wrap(new byte[0])).build()).build();
        assertEquals(expected, deleted, "everything else names the event as its first record did");
    }

    @Test
    void aHardDeleteRemovesTheSessionFromEveryStoreAndTellsConsumersWithTombstones() {
        raw.pipeInput("s", Intents.event("s", "a", "r1", false));
        raw.pipeInput("s", Intents.event("s", "b", "r2", false));
        raw.pipeInput("s", Intents.event("s", "c", "r1", false)); // leaves r2's chain in the chains store
        raw.pipeInput("s", Intents.deleteEvent("s", "b"));        // an entry in the deleted offsets
        raw.pipeInput("other", Intents.event("other", "a", "r1", false));
        events.readValuesToList();
        sessions.readValuesToList();
        assertTrue(storedKeysOf("s") > 0);
        final long otherEntries = storedKeysOf("other");

        raw.pipeInput("s", Intents.deleteSession("s"));
        final List<TestRecord<String, StampedEvent>> emitted = events.readRecordsToList();
        assertEquals(1, emitted.size(), "one record on events, not one per event");
        assertEquals("s", emitted.get(0).key());
        assertNull(emitted.get(0).value(), "a tombstone: the session is gone");
        final List<TestRecord<String, SessionView>> views = sessions.readRecordsToList();
        assertEquals("s", views.get(views.size() - 1).key());
        assertNull(views.get(views.size() - 1).value(), "the compacted sessions topic gets a tombstone");
        assertEquals(0, storedKeysOf("s"), "nothing of the session is left in any store");
        assertEquals(otherEntries, storedKeysOf("other"), "another session keeps everything");

        raw.pipeInput("s", Intents.deleteSession("s"));
        assertTrue(events.isEmpty() && sessions.isEmpty() && rejected.isEmpty(), "deleting a deleted session changes nothing");
        raw.pipeInput("s", Intents.event("s", "a", "r1", false));
        final StampedEvent again = events.readValue();
        assertEquals(0, again.getOffset(), "a later event starts a new session: no duplicate of the deleted one");
        assertEquals(0, again.getCorrelation().getChainPosition(), "and no chain of it");
        assertEquals(1, lastView("s").getEventCount());
    }

    @Test
    void aHardDeleteDestroysEveryKeyThatSealedTheSession() {
        final TestOutputTopic<String, byte[]> keys = driver.createOutputTopic(ProcessorTestDriver.TOPICS.keys(),
                new org.apache.kafka.common.serialization.StringDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        raw.pipeInput("s", sealed(Intents.event("s", "a"), "key-of-ingest-1"));
        raw.pipeInput("s", sealed(Intents.event("s", "b"), "key-of-ingest-2"));
        raw.pipeInput("s", sealed(Intents.event("s", "c"), "key-of-ingest-1"));
        final WriteIntent titled = Intents.retitled("s", null);
        ((io.sessionlog.schemas.avro.SessionPatched) titled.getIntent()).setClearTitle(false);
        ((io.sessionlog.schemas.avro.SessionPatched) titled.getIntent()).setSealedTitle(sealedContent("key-of-ingest-3"));
        raw.pipeInput("s", titled);
        raw.pipeInput("other", sealed(Intents.event("other", "a"), "key-of-other"));
        final SessionView view = lastView("s");
        assertEquals(List.of("key-of-ingest-1", "key-of-ingest-2", "key-of-ingest-3"), view.getKeyIds(), "each key once, in order");
        assertNull(view.getTitle());
        assertEquals("key-of-ingest-3", view.getSealedTitle().getKeyId(), "the sealed title, as the patch gave it");
        final StampedEvent stored = events.readValuesToList().get(0);
        assertEquals("key-of-ingest-1", stored.getEvent().getSealed().getKeyId(), "the events topic carries the sealed content");
        assertTrue(keys.isEmpty(), "no key is destroyed while the session lives");

        raw.pipeInput("s", Intents.deleteSession("s"));
        final List<TestRecord<String, byte[]>> destroyed = keys.readRecordsToList();
        assertEquals(List.of("s/key-of-ingest-1", "s/key-of-ingest-2", "s/key-of-ingest-3"),
                destroyed.stream().map(TestRecord::key).toList());
        destroyed.forEach(record -> assertNull(record.value(), "a tombstone"));
        raw.pipeInput("s", Intents.deleteSession("s"));
        assertTrue(keys.isEmpty(), "a second delete has no keys left to destroy");
    }

    private static WriteIntent sealed(final WriteIntent intent, final String keyId) {
        final io.sessionlog.schemas.avro.CanonicalEvent event = ((io.sessionlog.schemas.avro.EventAppended) intent.getIntent()).getEvent();
        event.setDataJson(null);
        event.setSealed(sealedContent(keyId));
        return intent;
    }

    private static io.sessionlog.schemas.avro.SealedContent sealedContent(final String keyId) {
        return new io.sessionlog.schemas.avro.SealedContent(keyId, java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
    }

    /** How many entries of {@code session} the processor's stores hold, in all. */
    private long storedKeysOf(final String session) {
        final byte[] prefix = io.sessionlog.schemas.keys.SessionEventIdKey.prefix(session).get();
        long count = 0;
        for (final String store : List.of(ProcessorNames.EVENTS_STORE, ProcessorNames.CHAINS_STORE, ProcessorNames.DELETED_OFFSETS_STORE)) {
            try (var all = driver.<org.apache.kafka.common.utils.Bytes, Object>getKeyValueStore(store).all()) {
                while (all.hasNext()) {
                    final byte[] key = all.next().key.get();
                    count += key.length >= prefix.length && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length) ? 1 : 0;
                }
            }
        }
        for (final String store : List.of(ProcessorNames.SESSIONS_STORE, ProcessorNames.TAIL_DELETES_STORE)) {
            count += driver.<String, Object>getKeyValueStore(store).get(session) != null ? 1 : 0;
        }
        return count;
    }

    @Test
    void aDeleteThatArrivesBeforeItsEventIsRejectedAndTheEventIsStampedLater() {
        raw.pipeInput("s", Intents.event("s", "first"));
        raw.pipeInput("s", Intents.deleteEvent("s", "late"));
        final TestRecord<String, byte[]> refused = rejected.readRecord();
        assertEquals("event late is unknown in session s", header(refused, RejectedRecords.REASON));
        assertEquals("processor.apply", header(refused, RejectedRecords.STAGE));
        assertEquals("1", header(refused, RejectedRecords.SOURCE_OFFSET));
        raw.pipeInput("s", Intents.event("s", "late"));
        final List<StampedEvent> stamped = events.readValuesToList();
        assertEquals(1, stamped.get(stamped.size() - 1).getOffset());
        assertFalse(stamped.get(stamped.size() - 1).getEvent().getDeleted());
    }

    @Test
    void aDuplicateThatArrivesAfterItsOriginalWasDeletedIsCountedNotStamped() {
        raw.pipeInput("s", Intents.event("s", "a"));
        raw.pipeInput("s", Intents.deleteEvent("s", "a"));
        events.readValuesToList();
        raw.pipeInput("s", Intents.event("s", "a"));
        assertTrue(events.isEmpty(), "no new offset, no new output");
        final SessionView view = lastView("s");
        assertEquals(1, view.getDuplicateCount());
        assertEquals(1, view.getEventCount());
        assertEquals(0, view.getLastOffset());
    }

    @Test
    void anEventIngestedDeletedIsStoredDeleted() {
        raw.pipeInput("s", Intents.event("s", "replayed", "c", true));
        assertTrue(events.readValue().getEvent().getDeleted());
        assertEquals(1, lastView("s").getDeletedCount());
    }

    @Test
    void consumptionOffsetsAreLastWriteWinsAndMayGoBackToZero() {
        for (int i = 0; i < 8; i++) {
            raw.pipeInput("s", Intents.event("s", "e" + i));
        }
        raw.pipeInput("s", Intents.consumed("s", "client", 5));
        SessionView view = lastView("s");
        assertEquals(5L, view.getConsumptionOffsets().get("client"));
        assertEquals(2L, view.getUnreadCounts().get("client"), "offsets 6 and 7 are unread");
        raw.pipeInput("s", Intents.consumed("s", "client", 0));
        view = lastView("s");
        assertEquals(0L, view.getConsumptionOffsets().get("client"), "no monotonic guard, as Parlant");
        assertEquals(7L, view.getUnreadCounts().get("client"));
        raw.pipeInput("s", Intents.consumed("s", "voice-bot", 6));
        raw.pipeInput("s", Intents.deleteFrom("s", 7));
        view = lastView("s");
        assertEquals(6L, view.getConsumptionOffsets().get("voice-bot"));
        assertEquals(0L, view.getUnreadCounts().get("voice-bot"), "a deleted event is not unread");
        assertEquals(6L, view.getUnreadCounts().get("client"));
    }

    @Test
    void aPatchOrDeleteOfAnUnknownSessionIsRejected() {
        raw.pipeInput("nobody", Intents.consumed("nobody", "client", 1));
        raw.pipeInput("nobody", Intents.deleteFrom("nobody", 0));
        final List<TestRecord<String, byte[]>> refused = rejected.readRecordsToList();
        assertEquals(2, refused.size());
        assertTrue(header(refused.get(0), RejectedRecords.REASON).contains("session nobody is unknown"));
        assertNull(driver.<String, byte[]>getKeyValueStore(ProcessorNames.SESSIONS_STORE).get("nobody"));
    }

    @Test
    void anExplicitUpsertKeepsCreatedAtAndAddsTheSessionFields() {
        raw.pipeInput("s", Intents.event("s", "a"));
        raw.pipeInput("s", Intents.upsert("s", "vUfk4PgjTm", java.time.Instant.parse("2030-01-01T00:00:00Z")));
        final SessionView view = lastView("s");
        assertEquals(Intents.T0, view.getCreatedAt(), "created_at stays the first event's time");
        assertEquals("vUfk4PgjTm", view.getAgentId());
        assertEquals("A title", view.getTitle());
        raw.pipeInput("fresh", Intents.upsert("fresh", "agent", java.time.Instant.parse("2030-01-01T00:00:00Z")));
        assertEquals(java.time.Instant.parse("2030-01-01T00:00:00Z"), lastView("fresh").getCreatedAt());
    }

    @Test
    void aPatchSetsOrRemovesTheTitleAndAnOffsetOnlyPatchLeavesIt() {
        raw.pipeInput("s", Intents.upsert("s", "vUfk4PgjTm", Intents.T0));
        raw.pipeInput("s", Intents.retitled("s", "Renamed"));
        assertEquals("Renamed", lastView("s").getTitle());
        raw.pipeInput("s", Intents.consumed("s", "client", 1));
        assertEquals("Renamed", lastView("s").getTitle(), "a patch without a title leaves it");
        raw.pipeInput("s", Intents.retitled("s", null));
        final SessionView cleared = lastView("s");
        assertNull(cleared.getTitle());
        assertEquals(1L, cleared.getConsumptionOffsets().get("client"), "removing the title keeps the rest of the view");
    }

    @Test
    void tracksTheLastStatusAndEventTime() {
        raw.pipeInput("s", Intents.status("s", "st1", "processing", Intents.T0.plusSeconds(5)));
        raw.pipeInput("s", Intents.status("s", "st2", "ready", Intents.T0.plusSeconds(9)));
        final SessionView view = lastView("s");
        assertEquals("ready", view.getLastStatus());
        assertEquals(Intents.T0.plusSeconds(9), view.getLastEventAt());
    }

    @Test
    void aTombstoneOnTheRawTopicIsRejected() {
        raw.pipeInput("s", (WriteIntent) null);
        assertTrue(header(rejected.readRecord(), RejectedRecords.REASON).contains("without a value"));
        raw.pipeInput("s", Intents.event("s", "a"));
        assertEquals(0, events.readValue().getOffset());
    }

    @Test
    void aRecordWithoutAKeyIsRejectedAndStampsNothing() {
        raw.pipeInput((String) null, Intents.event("s", "a"));
        raw.pipeInput("s", Intents.event("s", "b"));

        final TestRecord<String, byte[]> refused = rejected.readRecord();
        assertNull(refused.key());
        assertTrue(header(refused, RejectedRecords.REASON).contains("without a key"), header(refused, RejectedRecords.REASON));
        assertEquals(List.of("b@0"), stampedIds(), "the keyless event has no offset; the next one starts the session");
    }

    @Test
    void aRecordKeyedOtherwiseThanItsSessionIsRejectedAndChangesNoSession() {
        raw.pipeInput("base", Intents.event("base", "a"));
        raw.pipeInput("other", Intents.event("base", "b"));
        raw.pipeInput("base", Intents.event("base", "c"));

        final TestRecord<String, byte[]> refused = rejected.readRecord();
        assertEquals("other", refused.key(), "rejected as received");
        assertEquals("the key \"other\" differs from the value's session_key \"base\": the key is the session",
                header(refused, RejectedRecords.REASON));
        assertEquals(List.of("a@0", "c@1"), stampedIds());
        assertEquals(1, lastView("base").getLastOffset());
        assertNull(driver.<String, byte[]>getKeyValueStore(ProcessorNames.SESSIONS_STORE).get("other"), "no session other");
    }

    @Test
    void aValueWithBytesAfterItsRecordIsRejected() {
        final TestInputTopic<String, byte[]> bytes = driver.createInputTopic(TOPICS.raw(), Serdes.String().serializer(),
                new ByteArraySerializer());
        final byte[] valid = SpecificAvroSerde.forValues(WriteIntent.class, Map.of("schema.registry.url", "mock://" + SCOPE))
                .serializer().serialize(TOPICS.raw(), Intents.event("s", "a"));
        final byte[] trailing = java.util.Arrays.copyOf(valid, valid.length + 1);
        bytes.pipeInput("s", trailing);
        raw.pipeInput("s", Intents.event("s", "b"));

        final TestRecord<String, byte[]> refused = rejected.readRecord();
        assertTrue(java.util.Arrays.equals(trailing, refused.value()), "the original bytes");
        assertTrue(header(refused, RejectedRecords.REASON).contains("1 bytes after"), header(refused, RejectedRecords.REASON));
        assertEquals(List.of("b@0"), stampedIds());
    }

    @Test
    void aRecordWhoseOutputTheBrokerRefusedIsRejectedWhenProcessedAgain() {
        raw.pipeInput("s", Intents.event("s", "a"));
        // As the production handler remembers it, before the aborted transaction makes the task process it again.
        RefusedOutputs.remember(TOPICS.raw(), 0, 1, "the broker refused its output to t.events: too large");
        raw.pipeInput("s", Intents.event("s", "b"));
        raw.pipeInput("s", Intents.event("s", "c"));

        final TestRecord<String, byte[]> refused = rejected.readRecord();
        assertEquals("the broker refused its output to t.events: too large", header(refused, RejectedRecords.REASON));
        assertNull(refused.value(), "the bytes stay on events.raw, where the headers point: the broker may refuse them again");
        assertEquals("1", header(refused, RejectedRecords.SOURCE_OFFSET));
        assertEquals(List.of("a@0", "c@1"), stampedIds());
    }

    private List<String> stampedIds() {
        return events.readValuesToList().stream().map(e -> e.getEvent().getEventId() + "@" + e.getOffset()).toList();
    }

    private SessionView lastView(final String session) {
        SessionView last = null;
        for (final var record : sessions.readKeyValuesToList()) {
            if (record.key.equals(session)) {
                last = record.value;
            }
        }
        if (last != null) {
            return last;
        }
        // The store holds the sessions topic's wire format.
        final byte[] stored = driver.<String, byte[]>getKeyValueStore(ProcessorNames.SESSIONS_STORE).get(session);
        return SpecificAvroSerde.forValues(SessionView.class, Map.of("schema.registry.url", "mock://" + SCOPE))
                .deserializer().deserialize(TOPICS.sessions(), stored);
    }

    private static String header(final TestRecord<String, byte[]> record, final String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
