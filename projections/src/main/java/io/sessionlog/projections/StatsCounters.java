package io.sessionlog.projections;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.sessionlog.projections.query.StatsKey;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Adds to the counters of one family (events or sessions) in every bucket size, in the bucket of the time given.
 * A time outside what the stores keep is not counted: older than a store's retention (its window would already be
 * dropped), or more than {@link #FUTURE_TOLERANCE} ahead of now, which would otherwise push the stores' notion of
 * time forward and expire every real bucket.
 */
final class StatsCounters {

    static final Duration FUTURE_TOLERANCE = Duration.ofDays(1);

    /** The counters to move: each dimension of an event or a session with its value (TOTAL with ""). */
    record Breakdown(Map<StatsKey.Dimension, String> values) {
    }

    private final Map<StatsKey.Interval, WindowStore<Bytes, Long>> stores = new EnumMap<>(StatsKey.Interval.class);
    private final Map<StatsKey.Interval, Duration> retention;

    StatsCounters(final ProcessorContext<?, ?> context, final Function<StatsKey.Interval, String> storeName,
                  final Map<StatsKey.Interval, Duration> retention) {
        this.retention = retention;
        for (final StatsKey.Interval interval : StatsKey.Interval.values()) {
            stores.put(interval, context.getStateStore(storeName.apply(interval)));
        }
    }

    void add(final Instant time, final StatsKey.Metric metric, final Breakdown breakdown, final long delta) {
        final Instant now = Instant.now();
        if (time.isAfter(now.plus(FUTURE_TOLERANCE))) {
            return;
        }
        for (final StatsKey.Interval interval : StatsKey.Interval.values()) {
            if (time.isBefore(now.minus(retention.get(interval)))) {
                continue;
            }
            final WindowStore<Bytes, Long> store = stores.get(interval);
            final long bucket = interval.bucketStart(time.toEpochMilli());
            for (final Map.Entry<StatsKey.Dimension, String> value : breakdown.values().entrySet()) {
                final Bytes key = StatsKey.of(metric, value.getKey(), value.getValue());
                final Long current = store.fetch(key, bucket);
                store.put(key, (current == null ? 0 : current) + delta, bucket);
            }
        }
    }

    static List<String> storeNames(final Function<StatsKey.Interval, String> storeName) {
        return java.util.Arrays.stream(StatsKey.Interval.values()).map(storeName).toList();
    }
}
