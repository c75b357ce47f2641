package io.sessionlog.projections.query;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

import io.sessionlog.projections.ProjectionNames;
import io.sessionlog.schemas.avro.SessionView;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Walks through this instance's sessions in the order a {@link SessionBrowse} asks: by last activity or creation time
 * through the sessions-by-time index, by id through the session views (or the owner index when an agent or a user
 * is given). Each partition is scanned in order on its own and the pages merged, since a store spanning several
 * partitions iterates them one after the other, not in one order.
 */
public final class SessionWalks {

    private final StoreLookup stores;

    public SessionWalks(final StoreLookup stores) {
        this.stores = stores;
    }

    /** This instance's first {@code limit} sessions of the walk, its partitions' scans merged into one order. */
    public List<SessionView> page(final SessionBrowse browse) {
        Comparator<SessionView> order = Comparator.comparing(browse::positionOf);
        if (browse.descending()) {
            order = order.reversed();
        }
        if (browse.sort() != SessionBrowse.Sort.ID) {
            final List<OrderedMerge.Source<SessionView>> sources = new ArrayList<>();
            for (final int partition : stores.localPartitions(ProjectionNames.SESSIONS_STORE)) {
                sources.add(byTime(browse, partition, true));
            }
            return OrderedMerge.first(sources, order, browse.limit());
        }
        final List<SessionView> all = new ArrayList<>();
        for (final int partition : stores.localPartitions(ProjectionNames.SESSIONS_STORE)) {
            final int[] taken = {0};
            walk(browse, partition, true, view -> {
                all.add(view);
                return ++taken[0] < browse.limit();
            });
        }
        return all.stream().sorted(order).limit(browse.limit()).toList();
    }

    /** How many of this instance's sessions the filter accepts: every one is read, so this is exact, not cheap. */
    public long count(final SessionBrowse browse) {
        final long[] count = {0};
        for (final int partition : stores.localPartitions(ProjectionNames.SESSIONS_STORE)) {
            walk(browse, partition, false, view -> {
                count[0]++;
                return true;
            });
        }
        return count[0];
    }

    /** Feeds {@code sink} the matching sessions of one partition in order until it answers false. */
    private void walk(final SessionBrowse browse, final int partition, final boolean paged, final Predicate<SessionView> sink) {
        if (browse.sort() == SessionBrowse.Sort.ID) {
            byId(browse, partition, store(ProjectionNames.SESSIONS_STORE, partition), paged ? browse.after() : null,
                    wanted(browse, paged), sink);
            return;
        }
        try (OrderedMerge.Source<SessionView> source = byTime(browse, partition, paged)) {
            for (SessionView view = source.next(); view != null; view = source.next()) {
                if (!sink.test(view)) {
                    return;
                }
            }
        }
    }

    private static Predicate<SessionView> wanted(final SessionBrowse browse, final boolean paged) {
        return view -> view != null && browse.filter().test(view)
                && (!paged || browse.asOf() == null || !view.getUpdatedAt().isAfter(browse.asOf()));
    }

    /** One partition's matching sessions by last activity or creation, read through sessions-by-time as asked for. */
    private OrderedMerge.Source<SessionView> byTime(final SessionBrowse browse, final int partition, final boolean paged) {
        final ReadOnlyKeyValueStore<String, SessionView> views = store(ProjectionNames.SESSIONS_STORE, partition);
        final Predicate<SessionView> wanted = wanted(browse, paged);
        final SessionBrowse.Position after = paged ? browse.after() : null;
        final byte order = browse.sort() == SessionBrowse.Sort.LAST_EVENT_AT ? SessionTimeKey.ACTIVITY : SessionTimeKey.CREATION;
        final SessionFilter filter = browse.filter();
        final var lower = order == SessionTimeKey.ACTIVITY ? filter.activeAfter() : filter.createdAfter();
        final var upper = order == SessionTimeKey.ACTIVITY ? filter.activeBefore() : filter.createdBefore();
        Bytes from = SessionTimeKey.first(order, lower == null ? Long.MIN_VALUE : SessionTimeKey.micros(lower));
        // [after, before): the header-only key of `before` sorts ahead of every session at that time, and is never stored.
        Bytes to = upper == null ? SessionTimeKey.last(order, Long.MAX_VALUE) : SessionTimeKey.first(order, SessionTimeKey.micros(upper));
        final Bytes cursor = after == null ? null : SessionTimeKey.of(order, after.micros(), after.sessionKey());
        if (cursor != null) {
            if (browse.descending()) {
                to = min(to, cursor);
            } else {
                from = max(from, cursor);
            }
        }
        if (from.compareTo(to) > 0) {
            return OrderedMerge.empty();
        }
        final ReadOnlyKeyValueStore<Bytes, byte[]> index = store(ProjectionNames.SESSIONS_BY_TIME_STORE, partition);
        final KeyValueIterator<Bytes, byte[]> keys = browse.descending() ? index.reverseRange(from, to) : index.range(from, to);
        return new OrderedMerge.Source<>() {
            @Override
            public SessionView next() {
                while (keys.hasNext()) {
                    final Bytes key = keys.next().key;
                    if (key.equals(cursor)) {
                        continue;
                    }
                    final SessionView view = views.get(SessionTimeKey.sessionKey(key));
                    // An entry the projector is about to move (read between its two writes) is met again at its new place.
                    if (wanted.test(view) && browse.positionOf(view).micros() == SessionTimeKey.micros(key)) {
                        return view;
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

    private void byId(final SessionBrowse browse, final int partition, final ReadOnlyKeyValueStore<String, SessionView> views,
                      final SessionBrowse.Position after, final Predicate<SessionView> wanted, final Predicate<SessionView> sink) {
        final SessionFilter filter = browse.filter();
        if (filter.agentId() != null || filter.userId() != null) {
            // An owner's sessions are contiguous in the owner index: read their keys rather than every session.
            final ReadOnlyKeyValueStore<Bytes, byte[]> owners = store(ProjectionNames.OWNERS_STORE, partition);
            final Bytes prefix = filter.agentId() != null ? OwnerKey.prefix(OwnerKey.AGENT, filter.agentId())
                    : OwnerKey.prefix(OwnerKey.USER, filter.userId());
            final List<String> keys = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> index = owners.prefixScan(prefix, Serdes.Bytes().serializer())) {
                index.forEachRemaining(entry -> keys.add(OwnerKey.sessionKey(entry.key, prefix)));
            }
            if (browse.descending()) {
                Collections.reverse(keys);
            }
            for (final String key : keys) {
                if (after == null || beyond(browse, key, after)) {
                    final SessionView view = views.get(key);
                    if (wanted.test(view) && !sink.test(view)) {
                        return;
                    }
                }
            }
            return;
        }
        final String from = after == null ? null : after.sessionKey();
        try (KeyValueIterator<String, SessionView> all = browse.descending()
                ? (from == null ? views.reverseAll() : views.reverseRange(null, from))
                : (from == null ? views.all() : views.range(from, null))) {
            while (all.hasNext()) {
                final var entry = all.next();
                if ((after == null || beyond(browse, entry.key, after)) && wanted.test(entry.value) && !sink.test(entry.value)) {
                    return;
                }
            }
        }
    }

    private static boolean beyond(final SessionBrowse browse, final String key, final SessionBrowse.Position after) {
        final int compared = new SessionBrowse.Position(0, key).compareTo(new SessionBrowse.Position(0, after.sessionKey()));
        return browse.descending() ? compared < 0 : compared > 0;
    }

    private static Bytes min(final Bytes a, final Bytes b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Bytes max(final Bytes a, final Bytes b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private <K, V> ReadOnlyKeyValueStore<K, V> store(final String name, final int partition) {
        return stores.keyValueStore(name, partition, false);
    }
}
