package io.sessionlog.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.sessionlog.projections.query.CorrelationKey;
import io.sessionlog.projections.query.SessionQueries;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.Correlation;
import io.sessionlog.schemas.avro.EventKind;
import io.sessionlog.schemas.avro.Origin;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.keys.SessionOffsetKey;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The correlation index: references beside the events, read through them, and filled once from events stored without it. */
class CorrelationIndexTest {

    private static final Instant T0 = Instant.parse("2025-01-29T09:27:41Z");

    @TempDir
    Path stateDir;

    @Test
    void aRootsEventsAcrossSessionsComeInSessionThenOffsetOrderPagedAndDeletedOnlyWhenAsked() {
        try (ProjectionsDriver projections = new ProjectionsDriver("correlation-index", stateDir)) {
            projections.driver.advanceWallClockTime(Duration.ofMillis(20));
            projections.events.pipeInput("zeta", stamped("zeta", 0, "RID(r)::a", false));
            projections.events.pipeInput("alpha", stamped("alpha", 0, "RID(other)", false));
            projections.events.pipeInput("alpha", stamped("alpha", 1, "RID(r)::b", false));
            projections.events.pipeInput("alpha", stamped("alpha", 2, "RID(r)::b::c", false));
            projections.events.pipeInput("zeta", stamped("zeta", 1, "RID(r)::a::d", false));
            projections.events.pipeInput("zeta", stamped("zeta", 1, "RID(r)::a::d", true));
            final SessionQueries queries = new SessionQueries(projections.stores);

            assertEquals(List.of("zeta-0", "alpha-1", "alpha-2"), ids(queries.correlated("RID(r)", null, false, null, 10)),
                    "shorter session keys first (the key's length prefix), then by offset; the deleted one left out");
            assertEquals(List.of("zeta-0", "zeta-1", "alpha-1", "alpha-2"), ids(queries.correlated("RID(r)", null, true, null, 10)));
            assertEquals(List.of("zeta-1", "alpha-1"), ids(queries.correlated("RID(r)", null, true,
                    new CorrelationKey.Position("zeta", 0), 2)), "a page starts after the cursor's event");
            assertEquals(List.of("alpha-2"), ids(queries.correlated("RID(r)", "RID(r)::b::c", false, null, 10)));
            assertEquals(List.of("alpha-0"), ids(queries.correlated("RID(other)", null, false, null, 10)));
        }
    }

    @Test
    void aNewIndexAnswersBeforeItsFirstFillStepAndIndexesEventsAsTheyCome() {
        try (ProjectionsDriver projections = new ProjectionsDriver("correlation-new", stateDir)) {
            final SessionQueries queries = new SessionQueries(projections.stores);
            assertEquals(List.of(), queries.correlated("RID(r)", null, false, null, 10), "nothing stored, nothing to fill: it answers");
            projections.events.pipeInput("s", stamped("s", 0, "RID(r)::a", false));
            assertEquals(List.of("s-0"), ids(queries.correlated("RID(r)", null, false, null, 10)),
                    "complete from the first record on, before any fill step is due");
        }
    }

    @Test
    void eventsStoredWithoutTheIndexAreIndexedInStepsAndTheIndexAnswersOnlyOnceComplete() {
        try (ProjectionsDriver projections = new ProjectionsDriver("correlation-fill", stateDir)) {
            // What a data dir of the earlier layout holds: events by (session, offset), no index.
            final KeyValueStore<Bytes, StampedEvent> stored = projections.driver.getKeyValueStore(ProjectionNames.EVENTS_STORE);
            final int count = CorrelationIndexFill.STEP_EVENTS * 2 + 7;
            for (int offset = 0; offset < count; offset++) {
                stored.put(SessionOffsetKey.of("old", offset), stamped("old", offset, offset % 2 == 0 ? "RID(old)::x" : null, false));
            }
            final SessionQueries queries = new SessionQueries(projections.stores);
            assertThrows(InvalidStateStoreException.class, () -> queries.correlated("RID(old)", null, false, null, 10),
                    "an index still being filled answers not queryable (503), never a short answer");

            projections.driver.advanceWallClockTime(Duration.ofMillis(10));
            projections.driver.advanceWallClockTime(Duration.ofMillis(10));
            assertThrows(InvalidStateStoreException.class, () -> queries.correlated("RID(old)", null, false, null, 10),
                    "two steps read two thirds of the events");
            projections.driver.advanceWallClockTime(Duration.ofMillis(10));

            final List<StampedEvent> found = queries.correlated("RID(old)", null, false, null, count);
            assertEquals((count + 1) / 2, found.size(), "every stored event of the root is indexed");
            assertEquals(List.of("old-0", "old-2"), ids(found.subList(0, 2)));
        }
    }

    private static List<String> ids(final List<StampedEvent> events) {
        return events.stream().map(e -> e.getEvent().getEventId()).toList();
    }

    private static StampedEvent stamped(final String session, final long offset, final String correlationId, final boolean deleted) {
        final CanonicalEvent event = CanonicalEvent.newBuilder().setEventId(session + "-" + offset).setOrigin(Origin.FLUX0)
                .setKind(EventKind.MESSAGE).setType("message").setSource("user").setCorrelationId(correlationId)
                .setOccurredAt(T0).setDeleted(deleted).setDataJson("{\"type\":\"message\",\"parts\":[]}")
                .setSchemaRef("flux0.EventDTO").setRaw(ByteBuffer.wrap(new byte[0])).build();
        final Correlation correlation = correlationId == null ? null : Correlation.newBuilder()
                .setRoot(correlationId.contains("::") ? correlationId.substring(0, correlationId.indexOf("::")) : correlationId)
                .setChainStartOffset(0).setChainStartEventId(session + "-0").setChainPosition(offset).build();
        return StampedEvent.newBuilder().setSessionKey(session).setOffset(offset).setEvent(event).setCorrelation(correlation)
                .setIngestedAt(T0).setStampedAt(T0).build();
    }
}
