package io.sessionlog.projections.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Reads the stats counters of this instance's partitions for buckets in {@code [from, to)}: a range scan per dimension. */
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
        final List<StatsKey.Dimension> dimensions = by == null || by == StatsKey.Dimension.TOTAL
                ? List.of(StatsKey.Dimension.TOTAL) : List.of(StatsKey.Dimension.TOTAL, by);
        for (final String name : List.of(interval.eventStore(), interval.sessionStore())) {
            final ReadOnlyKeyValueStore<Bytes, Long> store = stores.keyValueStore(name, -1, false);
            for (final StatsKey.Dimension dimension : dimensions) {
                // The key of `to` alone sorts before every counter of that bucket, so the scan stops there.
                try (KeyValueIterator<Bytes, Long> range = store.range(StatsKey.from(dimension, from.toEpochMilli()),
                        StatsKey.from(dimension, to.toEpochMilli()))) {
                    while (range.hasNext()) {
                        final var entry = range.next();
                        final StatsKey.Counter counter = StatsKey.decode(entry.key);
                        if (entry.value != 0 && counter.bucketStart() < to.toEpochMilli()) {
                            counts.add(new Count(counter.bucketStart(), counter.metric(), counter.dimension(), counter.value(), entry.value));
                        }
                    }
                }
            }
        }
        return counts;
    }
}
