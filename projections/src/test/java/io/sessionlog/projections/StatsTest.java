package io.sessionlog.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.sessionlog.projections.query.StatsKey;
import io.sessionlog.projections.query.StatsQueries;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventKind;
import io.sessionlog.schemas.avro.Origin;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stats counters: buckets by event time, breakdowns, deletes, late and far-off events, new sessions, duplicates. */
class StatsTest {

    /** Where the driver's wall clock starts: the processors' "now", by which counts are kept and swept. */
    private static final Instant NOW = Instant.parse("2026-06-01T12:17:00Z");
    /** Recent enough for every bucket size's retention. */
    private static final Instant HOUR = NOW.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));

    @TempDir
    Path stateDir;

    private ProjectionsDriver projections;
    private StatsQueries stats;
    private final Map<String, Long> offsets = new java.util.HashMap<>();

    @BeforeEach
    void start() {
        projections = new ProjectionsDriver("stats-test", stateDir, NOW);
        stats = new StatsQueries(projections.stores);
    }

    @AfterEach
    void stop() {
        projections.close();
    }

    @Test
    void eventsCountInTheBucketOfTheirOwnTimeBrokenDownByWhatTheyShow() {
        append("a", "message", Origin.FLUX0, minutes(5));
        append("a", "status", Origin.FLUX0, minutes(10));
        append("y", "custom", Origin.SYLLABLE, minutes(70));
        append("a", "message", Origin.FLUX0, minutes(-30)); // late: written last, lands in its own, earlier hour
        assertEquals(Map.of(HOUR.minus(Duration.ofHours(1)), 1L, HOUR, 2L, HOUR.plus(Duration.ofHours(1)), 1L),
                totals(StatsKey.Interval.HOUR, StatsKey.Metric.EVENTS));
        assertEquals(Map.of("message", 1L, "status", 1L), values(StatsKey.Interval.HOUR, HOUR, StatsKey.Metric.EVENTS, StatsKey.Dimension.TYPE));
        assertEquals(Map.of("flux0", 2L), values(StatsKey.Interval.HOUR, HOUR, StatsKey.Metric.EVENTS, StatsKey.Dimension.ORIGIN));
        final Instant day = Instant.ofEpochMilli(StatsKey.Interval.DAY.bucketStart(minutes(70).toEpochMilli()));
        assertEquals(1L, values(StatsKey.Interval.DAY, day, StatsKey.Metric.EVENTS, StatsKey.Dimension.ORIGIN).get("syllable"), "day buckets");
        assertEquals(2L, totals(StatsKey.Interval.MINUTE, StatsKey.Metric.EVENTS).entrySet().stream()
                .filter(e -> !e.getKey().isBefore(HOUR) && e.getKey().isBefore(HOUR.plus(Duration.ofHours(1))))
                .mapToLong(Map.Entry::getValue).sum(), "minute buckets too");
    }

    @Test
    void aDeletionMovesAnEventFromEventsToDeletesAndAReplayChangesNothing() {
        final StampedEvent first = append("a", "message", Origin.FLUX0, minutes(5));
        append("a", "message", Origin.FLUX0, minutes(6));
        projections.events.pipeInput("a", first); // a replay of the same event
        assertEquals(Map.of(HOUR, 2L), totals(StatsKey.Interval.HOUR, StatsKey.Metric.EVENTS));
        first.getEvent().setDeleted(true);
        projections.events.pipeInput("a", first);
        projections.events.pipeInput("a", first); // and of the deletion
        assertEquals(Map.of(HOUR, 1L), totals(StatsKey.Interval.HOUR, StatsKey.Metric.EVENTS));
        assertEquals(Map.of(HOUR, 1L), totals(StatsKey.Interval.HOUR, StatsKey.Metric.DELETES));
        final StampedEvent bornDeleted = event("b", "message", Origin.FLUX0, minutes(7));
        bornDeleted.getEvent().setDeleted(true);
        projections.events.pipeInput("b", bornDeleted);
        assertEquals(Map.of(HOUR, 2L), totals(StatsKey.Interval.HOUR, StatsKey.Metric.DELETES), "an event that arrives deleted");
        assertEquals(Map.of(HOUR, 1L), totals(StatsKey.Interval.HOUR, StatsKey.Metric.EVENTS));
    }

    @Test
    void eventsOlderThanWhatTheStoresKeepAreNotCountedFutureOnesAre() {
        final Instant future = NOW.plus(Duration.ofDays(30));
        append("a", "message", Origin.FLUX0, future);
        append("a", "message", Origin.FLUX0, NOW.minus(Duration.ofDays(3))); // beyond the minute buckets' 2 days
        append("a", "message", Origin.FLUX0, minutes(1));
        assertEquals(Map.of(minutes(1), 1L, Instant.ofEpochMilli(StatsKey.Interval.MINUTE.bucketStart(future.toEpochMilli())), 1L),
                totals(StatsKey.Interval.MINUTE, StatsKey.Metric.EVENTS),
                "a time older than the retention is not counted; a future one lands in its own bucket, and no real bucket is lost");
        assertEquals(3L, totals(StatsKey.Interval.HOUR, StatsKey.Metric.EVENTS).values().stream().mapToLong(Long::longValue).sum(),
                "the 3-day-old event is within the hour buckets' 400 days, and so is the future one");
    }

    @Test
    void bucketsOlderThanTheirRetentionAreSweptAway() {
        append("a", "message", Origin.FLUX0, minutes(1));
        assertEquals(Map.of(minutes(1), 1L), totals(StatsKey.Interval.MINUTE, StatsKey.Metric.EVENTS));
        // The sweep runs by the wall clock: three days on, the minute buckets (two days) are gone, the hour buckets stay.
        projections.driver.advanceWallClockTime(Duration.ofDays(3));
        assertEquals(Map.of(), totals(StatsKey.Interval.MINUTE, StatsKey.Metric.EVENTS));
        assertEquals(Map.of(HOUR, 1L), totals(StatsKey.Interval.HOUR, StatsKey.Metric.EVENTS));
    }

    @Test
    void whatIsTooOldToCountIsJudgedByTheSameClockAsTheSweep() {
        projections.driver.advanceWallClockTime(Duration.ofDays(3));
        append("a", "message", Origin.FLUX0, minutes(2)); // three days old by the processors' clock
        assertEquals(Map.of(), totals(StatsKey.Interval.MINUTE, StatsKey.Metric.EVENTS), "older than the minute buckets' 2 days");
        assertEquals(Map.of(HOUR, 1L), totals(StatsKey.Interval.HOUR, StatsKey.Metric.EVENTS), "within the hour buckets' 400 days");
    }

    @Test
    void aSessionIsNewOnceInTheBucketOfItsCreationAndDuplicatesCountAsTheyArrive() {
        final SessionView view = SessionView.newBuilder().setSessionKey("s").setOrigin(Origin.INKEEP).setId("s")
                .setCreatedAt(minutes(3)).setUpdatedAt(minutes(90)).build();
        projections.sessions.pipeInput("s", view);
        view.setDuplicateCount(2);
        projections.sessions.pipeInput("s", view);
        view.setDuplicateCount(3);
        view.setUpdatedAt(minutes(150));
        projections.sessions.pipeInput("s", view);
        assertEquals(Map.of(HOUR, 1L), totals(StatsKey.Interval.HOUR, StatsKey.Metric.NEW_SESSIONS));
        assertEquals(Map.of("inkeep", 1L), values(StatsKey.Interval.HOUR, HOUR, StatsKey.Metric.NEW_SESSIONS, StatsKey.Dimension.ORIGIN));
        assertEquals(Map.of(HOUR.plus(Duration.ofHours(1)), 2L, HOUR.plus(Duration.ofHours(2)), 1L),
                totals(StatsKey.Interval.HOUR, StatsKey.Metric.DUPLICATES));
    }

    // ---- helpers ----

    private StampedEvent append(final String session, final String type, final Origin origin, final Instant time) {
        final StampedEvent stamped = event(session, type, origin, time);
        projections.events.pipeInput(session, stamped);
        return stamped;
    }

    private StampedEvent event(final String session, final String type, final Origin origin, final Instant time) {
        final long offset = offsets.merge(session, 1L, Long::sum) - 1;
        return StampedEvent.newBuilder().setSessionKey(session).setOffset(offset)
                .setEvent(CanonicalEvent.newBuilder().setEventId(session + "@" + offset).setOrigin(origin)
                        .setKind(EventKind.valueOf(type.toUpperCase(java.util.Locale.ROOT))).setType(type).setSource("user")
                        .setOccurredAt(time).setSchemaRef("test").setRaw(ByteBuffer.allocate(0)).build())
                .setIngestedAt(time).setStampedAt(time).build();
    }

    private Map<Instant, Long> totals(final StatsKey.Interval interval, final StatsKey.Metric metric) {
        final Map<Instant, Long> totals = new TreeMap<>();
        stats.counts(interval, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(60)), null).stream()
                .filter(c -> c.metric() == metric && c.dimension() == StatsKey.Dimension.TOTAL)
                .forEach(c -> totals.merge(Instant.ofEpochMilli(c.bucketStart()), c.count(), Long::sum));
        return totals;
    }

    private Map<String, Long> values(final StatsKey.Interval interval, final Instant bucket, final StatsKey.Metric metric,
                                     final StatsKey.Dimension by) {
        final Map<String, Long> values = new TreeMap<>();
        final List<StatsQueries.Count> counts = stats.counts(interval, bucket, bucket.plus(interval.size()), by);
        counts.stream().filter(c -> c.metric() == metric && c.dimension() == by).forEach(c -> values.merge(c.value(), c.count(), Long::sum));
        return values;
    }

    private static Instant minutes(final int minutes) {
        return HOUR.plus(Duration.ofMinutes(minutes));
    }
}
