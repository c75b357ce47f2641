package io.sessionlog.projections.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/** Reads the stats counters of this instance's partitions, summed, for buckets in {@code [from, to)}. */
public final class StatsQueries {

    /** One counter of one bucket. */
    public record Count(long bucketStart, StatsKey.Metric metric, StatsKey.Dimension dimension, String value, long count) {
    }

    private final StoreLookup stores;

    public StatsQueries(final StoreLookup stores) {
        this.stores = stores;
    }

    /** Every non-zero counter of the buckets starting in {@code [from, to)}: totals, and those of {@code by} if given. */
    public List<Count> counts(final StatsKey.Interval interval, final Instant from, final Instant to, final StatsKey.Dimension by) {
        final List<Count> counts = new ArrayList<>();
        for (final String name : List.of(interval.eventStore(), interval.sessionStore())) {
            final ReadOnlyWindowStore<Bytes, Long> store = stores.windowStore(name);
            try (KeyValueIterator<Windowed<Bytes>, Long> all = store.fetchAll(from, to.minusMillis(1))) {
                while (all.hasNext()) {
                    final var entry = all.next();
                    final StatsKey.Counter counter = StatsKey.decode(entry.key.key());
                    if (entry.value != 0 && (counter.dimension() == StatsKey.Dimension.TOTAL || counter.dimension() == by)) {
                        counts.add(new Count(entry.key.window().start(), counter.metric(), counter.dimension(), counter.value(), entry.value));
                    }
                }
            }
        }
        return counts;
    }
}
