package io.sessionlog.projections.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.sessionlog.projections.ProjectionNames;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.keys.SessionEventIdKey;
import io.sessionlog.schemas.keys.SessionOffsetKey;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Reads of the local stores: a session's view, its events by offset range, one event by id. */
public final class SessionQueries {

    private final StoreLookup stores;

    public SessionQueries(final StoreLookup stores) {
        this.stores = stores;
    }

    public Optional<SessionView> session(final String sessionKey, final Route.Local where) {
        final ReadOnlyKeyValueStore<String, SessionView> views = store(ProjectionNames.SESSIONS_STORE, where);
        return Optional.ofNullable(views.get(sessionKey));
    }

    /** The matching events in offset order: a range scan of the session from {@code minOffset}, not a full scan. */
    public List<StampedEvent> events(final String sessionKey, final EventFilter filter, final Route.Local where) {
        final ReadOnlyKeyValueStore<Bytes, StampedEvent> events = store(ProjectionNames.EVENTS_STORE, where);
        final List<StampedEvent> matches = new ArrayList<>();
        try (KeyValueIterator<Bytes, StampedEvent> range = events.range(
                SessionOffsetKey.from(sessionKey, filter.minOffset()), SessionOffsetKey.to(sessionKey))) {
            while (range.hasNext() && matches.size() < filter.limit()) {
                final StampedEvent event = range.next().value;
                if (filter.matches(event)) {
                    matches.add(event);
                }
            }
        }
        return matches;
    }

    private <K, V> ReadOnlyKeyValueStore<K, V> store(final String name, final Route.Local where) {
        return stores.keyValueStore(name, where.partition(), where.stale());
    }

    /**
     * Every event of a correlation root across sessions (ordered by session, then offset); with an exact
     * {@code correlationId}, only the events carrying it.
     */
    public List<StampedEvent> correlated(final String root, final String correlationId, final boolean includeDeleted,
                                         final int limit, final Route.Local where) {
        final ReadOnlyKeyValueStore<Bytes, StampedEvent> index = store(ProjectionNames.CORRELATIONS_STORE, where);
        final List<StampedEvent> matches = new ArrayList<>();
        try (KeyValueIterator<Bytes, StampedEvent> all = index.prefixScan(CorrelationKey.prefix(root),
                org.apache.kafka.common.serialization.Serdes.Bytes().serializer())) {
            while (all.hasNext() && matches.size() < limit) {
                final StampedEvent event = all.next().value;
                if ((includeDeleted || !event.getEvent().getDeleted())
                        && (correlationId == null || correlationId.equals(event.getEvent().getCorrelationId()))) {
                    matches.add(event);
                }
            }
        }
        return matches;
    }

    /**
     * This instance's sessions (every local partition) of an agent and/or a user, or all of them, ordered by session
     * key, after {@code cursor}, at most {@code limit}.
     */
    /**
     * Sessions after {@code cursor} in id order, at most {@code limit}: of an agent and/or a user when given (through
     * the owner index), and only those {@code also} accepts (origin, conversation: checked on each view).
     */
    public List<SessionView> sessions(final String agentId, final String userId, final java.util.function.Predicate<SessionView> also,
                                      final String cursor, final int limit, final Route.Local where) {
        final ReadOnlyKeyValueStore<String, SessionView> views = store(ProjectionNames.SESSIONS_STORE, where);
        final List<SessionView> page = new ArrayList<>();
        if (agentId == null && userId == null) {
            try (KeyValueIterator<String, SessionView> all = cursor == null ? views.all() : views.range(cursor, null)) {
                while (all.hasNext() && page.size() < limit) {
                    final var entry = all.next();
                    if ((cursor == null || entry.key.compareTo(cursor) > 0) && also.test(entry.value)) {
                        page.add(entry.value);
                    }
                }
            }
            return page;
        }
        final ReadOnlyKeyValueStore<Bytes, byte[]> owners = store(ProjectionNames.OWNERS_STORE, where);
        final Bytes prefix = agentId != null ? OwnerKey.prefix(OwnerKey.AGENT, agentId) : OwnerKey.prefix(OwnerKey.USER, userId);
        try (KeyValueIterator<Bytes, byte[]> index = owners.prefixScan(prefix, org.apache.kafka.common.serialization.Serdes.Bytes().serializer())) {
            while (index.hasNext() && page.size() < limit) {
                final String session = OwnerKey.sessionKey(index.next().key, prefix);
                if (cursor != null && session.compareTo(cursor) <= 0) {
                    continue;
                }
                final SessionView view = views.get(session);
                if (view != null && (userId == null || userId.equals(Flux0View.owner(view.getUserId()))) && also.test(view)) {
                    page.add(view);
                }
            }
        }
        return page;
    }

    /** One event by id, deleted or not. */
    public Optional<StampedEvent> event(final String sessionKey, final String eventId, final Route.Local where) {
        final ReadOnlyKeyValueStore<Bytes, Long> ids = store(ProjectionNames.EVENT_IDS_STORE, where);
        final Long offset = ids.get(SessionEventIdKey.of(sessionKey, eventId));
        if (offset == null) {
            return Optional.empty();
        }
        final ReadOnlyKeyValueStore<Bytes, StampedEvent> events = store(ProjectionNames.EVENTS_STORE, where);
        return Optional.ofNullable(events.get(SessionOffsetKey.of(sessionKey, offset)));
    }
}
