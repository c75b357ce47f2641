package io.sessionlog.projections;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.sessionlog.projections.query.CorrelationKey;
import io.sessionlog.projections.query.EventTimeKey;
import io.sessionlog.projections.query.Flux0View;
import io.sessionlog.projections.query.KafkaPosition;
import io.sessionlog.projections.query.OwnerKey;
import io.sessionlog.projections.query.SessionFilter;
import io.sessionlog.projections.query.SessionTimeKey;
import io.sessionlog.projections.query.StatsKey;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.projections.query.SessionUpdates;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.keys.SessionEventIdKey;
import io.sessionlog.schemas.keys.SessionOffsetKey;
import io.sessionlog.schemas.serde.SpecificAvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The read models: {@code events} → events by (session, offset), offsets by (session, event id), and the indexes by
 * time and by correlation root; {@code sessions} → session views and their indexes. Both topics are keyed by session key, so one task holds a session's events and
 * its view. A pure function of its arguments, no I/O. Stores are uncached: a query sees a write at once.
 */
public final class ProjectionsTopology {

    /** The value of an index entry: the key says everything. */
    private static final byte[] PRESENT = new byte[0];

    private ProjectionsTopology() {
    }

    /** @param updates told of every event applied, to wake the readers waiting on its session */
    public static Topology build(final Topics topics, final Map<String, Object> serdeConfig, final SessionUpdates updates) {
        return build(topics, serdeConfig, updates, ProjectionsConfig.DEFAULT_STATS_RETENTION);
    }

    /** @param statsRetention how long each bucket size of the stats is kept (and late events still counted) */
    public static Topology build(final Topics topics, final Map<String, Object> serdeConfig, final SessionUpdates updates,
                                 final Map<StatsKey.Interval, Duration> statsRetention) {
        final SpecificAvroSerde<StampedEvent> stamped = SpecificAvroSerde.forValues(StampedEvent.class, serdeConfig);
        final SpecificAvroSerde<SessionView> views = SpecificAvroSerde.forValues(SessionView.class, serdeConfig);

        final StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ProjectionNames.EVENTS_STORE), Serdes.Bytes(), stamped).withCachingDisabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ProjectionNames.EVENT_IDS_STORE), Serdes.Bytes(), Serdes.Long()).withCachingDisabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ProjectionNames.SESSIONS_STORE), Serdes.String(), views).withCachingDisabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ProjectionNames.OWNERS_STORE), Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ProjectionNames.EVENTS_BY_TIME_STORE), Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ProjectionNames.SESSIONS_BY_TIME_STORE), Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ProjectionNames.CORRELATION_INDEX_STORE), Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled());

        // Stats: counters per bucket size, keyed by time first (a range of buckets is one scan), each size kept for its
        // retention; cached, since every event moves several counters of the same few buckets.
        for (final StatsKey.Interval interval : StatsKey.Interval.values()) {
            for (final String name : List.of(interval.eventStore(), interval.sessionStore())) {
                builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.Long())
                        .withCachingEnabled());
            }
        }

        final KStream<String, StampedEvent> events = builder.stream(topics.events(),
                Consumed.with(Serdes.String(), stamped).withName(ProjectionNames.EVENTS_SOURCE));
        // The correlation index sits beside the events it points at (a root's events live in many sessions, so in many
        // partitions): a query gathers a root's events from every instance, as listings do, and no event is copied.
        events.process(() -> new EventProjector(updates, statsRetention), Named.as(ProjectionNames.EVENT_PROJECTOR),
                concat(List.of(ProjectionNames.EVENTS_STORE, ProjectionNames.EVENT_IDS_STORE, ProjectionNames.EVENTS_BY_TIME_STORE,
                                ProjectionNames.CORRELATION_INDEX_STORE),
                        StatsCounters.storeNames(StatsKey.Interval::eventStore)));
        builder.stream(topics.sessions(), Consumed.with(Serdes.String(), views).withName(ProjectionNames.SESSIONS_SOURCE))
                .process(() -> new SessionProjector(statsRetention), Named.as(ProjectionNames.SESSION_PROJECTOR),
                        concat(List.of(ProjectionNames.SESSIONS_STORE, ProjectionNames.OWNERS_STORE, ProjectionNames.SESSIONS_BY_TIME_STORE),
                                StatsCounters.storeNames(StatsKey.Interval::sessionStore)));
        return builder.build();
    }

    private static String[] concat(final List<String> first, final List<String> second) {
        return java.util.stream.Stream.concat(first.stream(), second.stream()).toArray(String[]::new);
    }

    /** Stores each stamped event under (session, offset); a re-emitted (deleted) event overwrites its earlier self. */
    private static final class EventProjector implements Processor<String, StampedEvent, Void, Void> {
        private final SessionUpdates updates;
        private ProcessorContext<Void, Void> context;
        private KeyValueStore<Bytes, StampedEvent> events;
        private KeyValueStore<Bytes, Long> ids;
        private KeyValueStore<Bytes, byte[]> byTime;
        private KeyValueStore<Bytes, byte[]> correlations;
        /** The fill of the correlation index from events stored before it, until the first record; null after. */
        private CorrelationIndexFill fill;
        private final Map<StatsKey.Interval, Duration> statsRetention;
        private StatsCounters stats;

        EventProjector(final SessionUpdates updates, final Map<StatsKey.Interval, Duration> statsRetention) {
            this.updates = updates;
            this.statsRetention = statsRetention;
        }

        @Override
        public void init(final ProcessorContext<Void, Void> context) {
            this.context = context;
            events = context.getStateStore(ProjectionNames.EVENTS_STORE);
            ids = context.getStateStore(ProjectionNames.EVENT_IDS_STORE);
            byTime = context.getStateStore(ProjectionNames.EVENTS_BY_TIME_STORE);
            correlations = context.getStateStore(ProjectionNames.CORRELATION_INDEX_STORE);
            stats = new StatsCounters(context, StatsKey.Interval::eventStore, statsRetention);
            fill = CorrelationIndexFill.startIfNeeded(context, events, correlations);
        }

        @Override
        public void process(final Record<String, StampedEvent> record) {
            final StampedEvent received = record.value();
            if (received == null) {
                if (record.key() != null) {
                    erase(record.key());
                }
                return;
            }
            if (fill != null) {
                fill.beforeFirstRecord();
                fill = null;
            }
            final Bytes at = SessionOffsetKey.of(received.getSessionKey(), received.getOffset());
            final StampedEvent before = events.get(at);
            final StampedEvent event = merged(before, received);
            count(before, event);
            events.put(at, event);
            ids.put(SessionEventIdKey.of(event.getSessionKey(), event.getEvent().getEventId()), event.getOffset());
            // An event's time never changes (a deletion re-emits it as it was): these puts are idempotent.
            final long micros = SessionTimeKey.micros(event.getEvent().getOccurredAt());
            // The entry of every event also keeps where the record sits on the events topic (an event's details show it).
            byTime.put(EventTimeKey.of(EventTimeKey.prefix(null), micros, event.getSessionKey(), event.getOffset()),
                    context.recordMetadata().map(source -> new KafkaPosition(source.partition(), source.offset()).encode()).orElse(PRESENT));
            byTime.put(EventTimeKey.of(EventTimeKey.prefix(Flux0View.type(event.getEvent())), micros, event.getSessionKey(),
                    event.getOffset()), PRESENT);
            if (event.getCorrelation() != null) {
                correlations.put(CorrelationKey.of(event.getCorrelation().getRoot(), event.getSessionKey(), event.getOffset()), PRESENT);
            }
            updates.applied(event.getSessionKey());
        }

        /**
         * A tombstone on {@code events}: the session was hard-deleted. Every event of it leaves the events store and
         * every index (a tombstone on each changelog); the stats counters keep counting what was received (they name
         * no one), so a month's figures do not change when a person's conversations are erased (docs/lifecycle.md).
         */
        private void erase(final String session) {
            final java.util.List<StampedEvent> gone = new java.util.ArrayList<>();
            try (var all = events.prefixScan(SessionOffsetKey.prefix(session), Serdes.Bytes().serializer())) {
                all.forEachRemaining(entry -> gone.add(entry.value));
            }
            for (final StampedEvent event : gone) {
                final long micros = SessionTimeKey.micros(event.getEvent().getOccurredAt());
                byTime.delete(EventTimeKey.of(EventTimeKey.prefix(null), micros, session, event.getOffset()));
                byTime.delete(EventTimeKey.of(EventTimeKey.prefix(Flux0View.type(event.getEvent())), micros, session, event.getOffset()));
                if (event.getCorrelation() != null) {
                    correlations.delete(CorrelationKey.of(event.getCorrelation().getRoot(), session, event.getOffset()));
                }
                ids.delete(SessionEventIdKey.of(session, event.getEvent().getEventId()));
                events.delete(SessionOffsetKey.of(session, event.getOffset()));
            }
            updates.applied(session);
        }

        /**
         * What the store keeps of a record: the record itself, or, for the deleted record of an event stored already,
         * the stored event marked deleted: a deleted record names its event without its content (the processor's
         * EventIdentity), and the read models keep the content a reader of a deleted event asks for.
         */
        private static StampedEvent merged(final StampedEvent before, final StampedEvent received) {
            if (before == null || !received.getEvent().getDeleted()) {
                return received;
            }
            return StampedEvent.newBuilder(before).setEvent(CanonicalEvent.newBuilder(before.getEvent()).setDeleted(true).build())
                    .setStampedAt(received.getStampedAt()).build();
        }

        /**
         * An event counts once, in the bucket of its time: as an event, or as a delete when it arrives deleted; a
         * deletion moves it from one to the other. A replay (the same event again) changes nothing.
         */
        private void count(final StampedEvent before, final StampedEvent after) {
            final CanonicalEvent event = after.getEvent();
            final StatsCounters.Breakdown breakdown = new StatsCounters.Breakdown(Map.of(
                    StatsKey.Dimension.TOTAL, "", StatsKey.Dimension.TYPE, Flux0View.type(event),
                    StatsKey.Dimension.ORIGIN, event.getOrigin().name().toLowerCase(java.util.Locale.ROOT),
                    StatsKey.Dimension.SOURCE, Flux0View.source(event), StatsKey.Dimension.AGENT_ID, Flux0View.owner(event.getAgentId()),
                    StatsKey.Dimension.OWN_TYPE, event.getType() == null ? "" : event.getType()));
            if (before == null) {
                stats.add(event.getOccurredAt(), event.getDeleted() ? StatsKey.Metric.DELETES : StatsKey.Metric.EVENTS, breakdown, 1);
            } else if (!before.getEvent().getDeleted() && event.getDeleted()) {
                stats.add(event.getOccurredAt(), StatsKey.Metric.EVENTS, breakdown, -1);
                stats.add(event.getOccurredAt(), StatsKey.Metric.DELETES, breakdown, 1);
            }
        }
    }

    /** Keeps the latest view of each session, and its indexes: by agent, by user, by last activity and by creation. */
    private static final class SessionProjector implements Processor<String, SessionView, Void, Void> {
        private KeyValueStore<String, SessionView> sessions;
        private KeyValueStore<Bytes, byte[]> owners;
        private KeyValueStore<Bytes, byte[]> byTime;
        private final Map<StatsKey.Interval, Duration> statsRetention;
        private StatsCounters stats;

        SessionProjector(final Map<StatsKey.Interval, Duration> statsRetention) {
            this.statsRetention = statsRetention;
        }

        @Override
        public void init(final ProcessorContext<Void, Void> context) {
            stats = new StatsCounters(context, StatsKey.Interval::sessionStore, statsRetention);
            sessions = context.getStateStore(ProjectionNames.SESSIONS_STORE);
            owners = context.getStateStore(ProjectionNames.OWNERS_STORE);
            byTime = context.getStateStore(ProjectionNames.SESSIONS_BY_TIME_STORE);
        }

        @Override
        public void process(final Record<String, SessionView> record) {
            final SessionView before = sessions.get(record.key());
            final SessionView after = record.value();
            // Indexed by the value a SessionDTO shows ("unknown" when never learned), so that a filter finds what is shown.
            reindex(OwnerKey.AGENT, record.key(), before == null ? null : Flux0View.owner(before.getAgentId()),
                    after == null ? null : Flux0View.owner(after.getAgentId()));
            reindex(OwnerKey.USER, record.key(), before == null ? null : Flux0View.owner(before.getUserId()),
                    after == null ? null : Flux0View.owner(after.getUserId()));
            reindex(byTime, before == null ? null : SessionTimeKey.of(SessionTimeKey.ACTIVITY, micros(SessionFilter.activity(before)), record.key()),
                    after == null ? null : SessionTimeKey.of(SessionTimeKey.ACTIVITY, micros(SessionFilter.activity(after)), record.key()));
            reindex(byTime, before == null ? null : SessionTimeKey.of(SessionTimeKey.CREATION, micros(before.getCreatedAt()), record.key()),
                    after == null ? null : SessionTimeKey.of(SessionTimeKey.CREATION, micros(after.getCreatedAt()), record.key()));
            count(before, after);
            if (after == null) {
                sessions.delete(record.key());
            } else {
                sessions.put(record.key(), after);
            }
        }

        private void reindex(final byte kind, final String session, final String before, final String after) {
            reindex(owners, before == null ? null : OwnerKey.of(kind, before, session), after == null ? null : OwnerKey.of(kind, after, session));
        }

        /**
         * A session counts as new once, in the bucket of its creation; duplicates count when they arrive (the
         * processor's time of the view that counted them), in the bucket of that time.
         */
        private void count(final SessionView before, final SessionView after) {
            if (after == null) {
                return;
            }
            final StatsCounters.Breakdown breakdown = new StatsCounters.Breakdown(Map.of(StatsKey.Dimension.TOTAL, "",
                    StatsKey.Dimension.ORIGIN, after.getOrigin().name().toLowerCase(java.util.Locale.ROOT),
                    StatsKey.Dimension.AGENT_ID, Flux0View.owner(after.getAgentId())));
            if (before == null) {
                stats.add(after.getCreatedAt(), StatsKey.Metric.NEW_SESSIONS, breakdown, 1);
            }
            final long duplicates = after.getDuplicateCount() - (before == null ? 0 : before.getDuplicateCount());
            if (duplicates > 0) {
                stats.add(after.getUpdatedAt(), StatsKey.Metric.DUPLICATES, breakdown, duplicates);
            }
        }

        /** Moves an index entry; the new one is written first, so a reader between the two writes misses nothing. */
        private static void reindex(final KeyValueStore<Bytes, byte[]> index, final Bytes before, final Bytes after) {
            if (java.util.Objects.equals(before, after)) {
                return;
            }
            if (after != null) {
                index.put(after, PRESENT);
            }
            if (before != null) {
                index.delete(before);
            }
        }

        private static long micros(final java.time.Instant time) {
            return SessionTimeKey.micros(time);
        }
    }
}
