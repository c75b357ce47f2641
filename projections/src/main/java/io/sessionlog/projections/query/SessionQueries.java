package io.sessionlog.projections.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.sessionlog.projections.ProjectionNames;
import io.sessionlog.schemas.PendingDeletes;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.OffsetRange;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.keys.SessionEventIdKey;
import io.sessionlog.schemas.keys.SessionOffsetKey;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Reads of the local stores: a session's view, its events by offset range, one event by id. */
public final class SessionQueries {

    private final StoreLookup stores;
    private final SessionWalks walks;
    private final java.time.Duration countersRetention;

    public SessionQueries(final StoreLookup stores) {
        this(stores, io.sessionlog.projections.ProjectionsConfig.DEFAULT_STATS_RETENTION.get(StatsKey.Interval.HOUR));
    }

    /** @param countersRetention how long the hour and day stats counters are kept (projections.stats.retention.ms) */
    public SessionQueries(final StoreLookup stores, final java.time.Duration countersRetention) {
        this.stores = stores;
        this.walks = new SessionWalks(stores);
        this.countersRetention = countersRetention;
    }

    /** Inkeep's queries over this instance's events; {@code sent} reads a producer's document. */
    public InkeepAggregator inkeepAggregator(final java.util.function.Function<io.sessionlog.schemas.avro.CanonicalEvent,
            com.fasterxml.jackson.databind.JsonNode> sent) {
        return new InkeepAggregator(eventWalks(sent), stats(), countersRetention);
    }

    /** Walks through the events of this instance across sessions; {@code sent} reads a producer's document. */
    public EventWalks eventWalks(final java.util.function.Function<io.sessionlog.schemas.avro.CanonicalEvent,
            com.fasterxml.jackson.databind.JsonNode> sent) {
        return new EventWalks(stores, sent);
    }

    /** The stats counters of this instance. */
    public StatsQueries stats() {
        return new StatsQueries(stores);
    }

    /** Walks through the sessions of this instance, for listings. */
    public SessionWalks walks() {
        return walks;
    }

    public Optional<SessionView> session(final String sessionKey, final Route.Local where) {
        final ReadOnlyKeyValueStore<String, SessionView> views = store(ProjectionNames.SESSIONS_STORE, where);
        return Optional.ofNullable(views.get(sessionKey));
    }

    /**
     * The matching events in offset order: a range scan of the session from {@code minOffset}, not a full scan. The
     * events of the view's {@code pending_deletes} are deleted, whether or not their deleted record has arrived yet:
     * left out (the scan jumps past their range) or, with deleted events asked for, shown deleted.
     */
    public List<StampedEvent> events(final String sessionKey, final EventFilter filter, final Route.Local where) {
        final ReadOnlyKeyValueStore<Bytes, StampedEvent> events = store(ProjectionNames.EVENTS_STORE, where);
        final List<OffsetRange> pending = pendingDeletes(sessionKey, where);
        final List<StampedEvent> matches = new ArrayList<>();
        long from = filter.minOffset();
        while (true) {
            long jumpTo = -1;
            try (KeyValueIterator<Bytes, StampedEvent> range = events.range(
                    SessionOffsetKey.from(sessionKey, from), SessionOffsetKey.to(sessionKey))) {
                while (range.hasNext() && matches.size() < filter.limit()) {
                    StampedEvent event = range.next().value;
                    final OffsetRange deleting = pending.isEmpty() || event.getEvent().getDeleted() ? null
                            : PendingDeletes.covering(pending, event.getOffset());
                    if (deleting != null && !filter.includeDeleted()) {
                        jumpTo = deleting.getLast() + 1;
                        break;
                    }
                    if (deleting != null) {
                        event = deleted(event);
                    }
                    if (filter.matches(event)) {
                        matches.add(event);
                    }
                }
            }
            if (jumpTo < 0) {
                return matches;
            }
            from = jumpTo;
        }
    }

    /** The view's ranges of deleted offsets whose events may not be stored deleted yet (none, mostly). */
    private List<OffsetRange> pendingDeletes(final String sessionKey, final Route.Local where) {
        final ReadOnlyKeyValueStore<String, SessionView> views = store(ProjectionNames.SESSIONS_STORE, where);
        final SessionView view = views.get(sessionKey);
        return view == null ? List.of() : view.getPendingDeletes();
    }

    /** A copy of the event marked deleted, as its deleted record will say. */
    private static StampedEvent deleted(final StampedEvent event) {
        return StampedEvent.newBuilder(event).setEvent(CanonicalEvent.newBuilder(event.getEvent()).setDeleted(true).build()).build();
    }

    private <K, V> ReadOnlyKeyValueStore<K, V> store(final String name, final Route.Local where) {
        return stores.keyValueStore(name, where.partition(), where.stale());
    }

    /**
     * This instance's page of the events of a correlation root across sessions, ordered by session, then offset (the
     * index's order: merge instances' pages with {@link CorrelationKey#order}); with an exact {@code correlationId},
     * only the events carrying it. The page starts after {@code after} (null: at the first) and is a range scan of
     * each partition's index from there, each entry read from the partition's events, so a page costs what it reads,
     * however many events the root has. A partition whose index is still being filled answers not queryable.
     */
    public List<StampedEvent> correlated(final String root, final String correlationId, final boolean includeDeleted,
                                         final CorrelationKey.Position after, final int limit) {
        final Bytes prefix = CorrelationKey.prefix(root);
        final Bytes from = after == null ? prefix : CorrelationKey.of(root, after.sessionKey(), after.offset() + 1);
        final List<OrderedMerge.Source<StampedEvent>> sources = new ArrayList<>();
        for (final int partition : stores.localPartitions(ProjectionNames.CORRELATION_INDEX_STORE)) {
            final ReadOnlyKeyValueStore<Bytes, byte[]> index = stores.keyValueStore(ProjectionNames.CORRELATION_INDEX_STORE, partition, false);
            final ReadOnlyKeyValueStore<Bytes, StampedEvent> events = stores.keyValueStore(ProjectionNames.EVENTS_STORE, partition, false);
            if (!CorrelationKey.complete(index, events)) {
                sources.forEach(OrderedMerge.Source::close);
                throw new InvalidStateStoreException("the correlation index of partition " + partition
                        + " is being filled from the stored events");
            }
            // Every key of the root is longer than its prefix, so none equals the (inclusive) bound past the prefix.
            final KeyValueIterator<Bytes, byte[]> keys = index.range(from, Bytes.increment(prefix));
            sources.add(new OrderedMerge.Source<>() {
                @Override
                public StampedEvent next() {
                    while (keys.hasNext()) {
                        final CorrelationKey.Position at = CorrelationKey.position(keys.next().key, prefix.get().length);
                        final StampedEvent event = events.get(SessionOffsetKey.of(at.sessionKey(), at.offset()));
                        if (event != null && (includeDeleted || !event.getEvent().getDeleted())
                                && (correlationId == null || correlationId.equals(event.getEvent().getCorrelationId()))) {
                            return event;
                        }
                    }
                    return null;
                }

                @Override
                public void close() {
                    keys.close();
                }
            });
        }
        return OrderedMerge.first(sources, CorrelationKey.order(root), limit);
    }

    /** Where the event's latest record sits on the events topic, when the projection kept it. */
    public Optional<KafkaPosition> position(final StampedEvent event, final Route.Local where) {
        final ReadOnlyKeyValueStore<Bytes, byte[]> byTime = store(ProjectionNames.EVENTS_BY_TIME_STORE, where);
        return KafkaPosition.decode(byTime.get(EventTimeKey.of(EventTimeKey.prefix(null),
                SessionTimeKey.micros(event.getEvent().getOccurredAt()), event.getSessionKey(), event.getOffset())));
    }

    /** One event by id, deleted or not. */
    public Optional<StampedEvent> event(final String sessionKey, final String eventId, final Route.Local where) {
        final ReadOnlyKeyValueStore<Bytes, Long> ids = store(ProjectionNames.EVENT_IDS_STORE, where);
        final Long offset = ids.get(SessionEventIdKey.of(sessionKey, eventId));
        if (offset == null) {
            return Optional.empty();
        }
        final ReadOnlyKeyValueStore<Bytes, StampedEvent> events = store(ProjectionNames.EVENTS_STORE, where);
        final StampedEvent event = events.get(SessionOffsetKey.of(sessionKey, offset));
        if (event != null && !event.getEvent().getDeleted()
                && PendingDeletes.covering(pendingDeletes(sessionKey, where), offset) != null) {
            return Optional.of(deleted(event));
        }
        return Optional.ofNullable(event);
    }
}
