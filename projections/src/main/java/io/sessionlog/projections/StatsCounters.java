package io.sessionlog.projections;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.sessionlog.projections.query.StatsKey;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Adds to the counters of one family (events or sessions) in every bucket size, in the bucket of the time given, and
 * drops the buckets older than each size's retention (every {@link #SWEEP}, by the wall clock). A time older than the
 * retention when it arrives is not counted (its bucket is gone, or about to be); every other time is, future ones too.
 * "When it arrives" is the processor context's system time, the clock the sweep runs by, so that a test drives one.
 */
final class StatsCounters {

    static final Duration SWEEP = Duration.ofMinutes(10);

    /** The counters to move: each dimension of an event or a session with its value (TOTAL with ""). */
    record Breakdown(Map<StatsKey.Dimension, String> values) {
    }

    private final Map<StatsKey.Interval, KeyValueStore<Bytes, Long>> stores = new EnumMap<>(StatsKey.Interval.class);
    private final Map<StatsKey.Interval, Duration> retention;
    private final ProcessorContext<?, ?> context;

    StatsCounters(final ProcessorContext<?, ?> context, final Function<StatsKey.Interval, String> storeName,
                  final Map<StatsKey.Interval, Duration> retention) {
        this.retention = retention;
        this.context = context;
        for (final StatsKey.Interval interval : StatsKey.Interval.values()) {
            stores.put(interval, context.getStateStore(storeName.apply(interval)));
        }
        context.schedule(SWEEP, PunctuationType.WALL_CLOCK_TIME, now -> sweep(Instant.ofEpochMilli(now)));
    }

    void add(final Instant time, final StatsKey.Metric metric, final Breakdown breakdown, final long delta) {
        final Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        for (final StatsKey.Interval interval : StatsKey.Interval.values()) {
            if (time.isBefore(now.minus(retention.get(interval)))) {
                continue;
            }
            final KeyValueStore<Bytes, Long> store = stores.get(interval);
            final long bucket = interval.bucketStart(time.toEpochMilli());
            for (final Map.Entry<StatsKey.Dimension, String> value : breakdown.values().entrySet()) {
                final Bytes key = StatsKey.of(bucket, metric, value.getKey(), value.getValue());
                final Long current = store.get(key);
                store.put(key, (current == null ? 0 : current) + delta);
            }
        }
    }

    /** Deletes the counters of the buckets that ended before each size's retention: the first of each dimension. */
    private void sweep(final Instant now) {
        for (final StatsKey.Interval interval : StatsKey.Interval.values()) {
            final KeyValueStore<Bytes, Long> store = stores.get(interval);
            final long cutoff = interval.bucketStart(now.minus(retention.get(interval)).toEpochMilli());
            final List<Bytes> expired = new ArrayList<>();
            for (final StatsKey.Dimension dimension : StatsKey.Dimension.values()) {
                try (KeyValueIterator<Bytes, Long> old = store.range(StatsKey.from(dimension, Long.MIN_VALUE), StatsKey.from(dimension, cutoff))) {
                    old.forEachRemaining(entry -> expired.add(entry.key));
                }
            }
            expired.forEach(store::delete);
        }
    }

    static List<String> storeNames(final Function<StatsKey.Interval, String> storeName) {
        return java.util.Arrays.stream(StatsKey.Interval.values()).map(storeName).toList();
    }
}
