package io.sessionlog.projections.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionlog.projections.ProjectionNames;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.keys.SessionOffsetKey;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Walks through this instance's events across sessions by time, through the events-by-time index (by one type's
 * part of it when one type is asked for), each partition in order on its own, pages merged. The index holds keys
 * only: each event is read from events-by-session-offset, so a deleted re-emission is seen as deleted.
 */
public final class EventWalks {

    private final StoreLookup stores;
    private final Function<CanonicalEvent, JsonNode> sent;

    /** @param sent the document the producer sent, for field equality ({@link EventSearch#fields()}) */
    public EventWalks(final StoreLookup stores, final Function<CanonicalEvent, JsonNode> sent) {
        this.stores = stores;
        this.sent = sent;
    }

    public List<StampedEvent> page(final EventBrowse browse) {
        final List<OrderedMerge.Source<StampedEvent>> sources = new ArrayList<>();
        for (final int partition : stores.localPartitions(ProjectionNames.EVENTS_STORE)) {
            sources.add(scan(browse, partition, browse.after()));
        }
        Comparator<StampedEvent> order = Comparator.comparing(EventBrowse.Position::of);
        return OrderedMerge.first(sources, browse.descending() ? order.reversed() : order, browse.limit());
    }

    /** Every matching event of this instance, counted: exact, and as costly as reading them all. */
    public long count(final EventBrowse browse) {
        final long[] count = {0};
        for (final int partition : stores.localPartitions(ProjectionNames.EVENTS_STORE)) {
            walk(browse, partition, null, event -> {
                count[0]++;
                return true;
            });
        }
        return count[0];
    }

    /** Feeds {@code sink} every matching event of this instance, partition by partition, until it answers false. */
    public void forEach(final EventBrowse browse, final Predicate<StampedEvent> sink) {
        for (final int partition : stores.localPartitions(ProjectionNames.EVENTS_STORE)) {
            final boolean[] going = {true};
            walk(browse, partition, null, event -> going[0] = sink.test(event));
            if (!going[0]) {
                return;
            }
        }
    }

    private void walk(final EventBrowse browse, final int partition, final EventBrowse.Position after,
                      final Predicate<StampedEvent> sink) {
        try (OrderedMerge.Source<StampedEvent> source = scan(browse, partition, after)) {
            for (StampedEvent event = source.next(); event != null; event = source.next()) {
                if (!sink.test(event)) {
                    return;
                }
            }
        }
    }

    /** One partition's matching events in the walk's order, after {@code after}, read as they are asked for. */
    private OrderedMerge.Source<StampedEvent> scan(final EventBrowse browse, final int partition, final EventBrowse.Position after) {
        final EventSearch search = browse.search();
        final byte[] prefix = EventTimeKey.prefix(search.indexedType());
        Bytes from = EventTimeKey.first(prefix, search.start() == null ? Long.MIN_VALUE : SessionTimeKey.micros(search.start()));
        // [start, end): the header-only key of `end` sorts ahead of every event at that time and is never stored.
        Bytes to = search.end() == null ? EventTimeKey.last(prefix, Long.MAX_VALUE) : EventTimeKey.first(prefix, SessionTimeKey.micros(search.end()));
        final Bytes cursor = after == null ? null : EventTimeKey.of(prefix, after.micros(), after.sessionKey(), after.offset());
        if (cursor != null) {
            if (browse.descending()) {
                to = to.compareTo(cursor) <= 0 ? to : cursor;
            } else {
                from = from.compareTo(cursor) >= 0 ? from : cursor;
            }
        }
        if (from.compareTo(to) > 0) {
            return OrderedMerge.empty();
        }
        final ReadOnlyKeyValueStore<Bytes, byte[]> index = store(ProjectionNames.EVENTS_BY_TIME_STORE, partition);
        final ReadOnlyKeyValueStore<Bytes, StampedEvent> events = store(ProjectionNames.EVENTS_STORE, partition);
        final KeyValueIterator<Bytes, byte[]> keys = browse.descending() ? index.reverseRange(from, to) : index.range(from, to);
        return new OrderedMerge.Source<>() {
            @Override
            public StampedEvent next() {
                while (keys.hasNext()) {
                    final Bytes key = keys.next().key;
                    if (key.equals(cursor)) {
                        continue;
                    }
                    final StampedEvent event = events.get(SessionOffsetKey.of(EventTimeKey.sessionKey(key, prefix.length), EventTimeKey.offset(key)));
                    if (event != null && search.matches(event, sent)) {
                        return event;
                    }
                }
                return null;
            }

            @Override
            public void close() {
                keys.close();
            }
        };
    }

    private <K, V> ReadOnlyKeyValueStore<K, V> store(final String name, final int partition) {
        return stores.keyValueStore(name, partition, false);
    }
}
