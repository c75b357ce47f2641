package io.sessionlog.projections.query;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

import org.apache.kafka.common.utils.Bytes;

/**
 * The key of a counter in the stats stores: the dimension it is broken down by ({@link Dimension#TOTAL} for none), the
 * bucket's start (epoch milliseconds, sign bit flipped so that byte order is time order), the metric and the
 * dimension's value. The counters of one dimension over a range of buckets are one range scan, and a question without
 * a breakdown reads the totals alone; each store holds one bucket size.
 */
public final class StatsKey {

    /** Bucket sizes, each a window store of its own, events and sessions apart. */
    public enum Interval {
        MINUTE(Duration.ofMinutes(1)), HOUR(Duration.ofHours(1)), DAY(Duration.ofDays(1));

        private final Duration size;

        Interval(final Duration size) {
            this.size = size;
        }

        public Duration size() {
            return size;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public String eventStore() {
            return "event-counts-by-" + wireName();
        }

        public String sessionStore() {
            return "session-counts-by-" + wireName();
        }

        public long bucketStart(final long epochMillis) {
            return Math.floorDiv(epochMillis, size.toMillis()) * size.toMillis();
        }
    }

    /** What is counted. */
    public enum Metric {
        EVENTS('e', "events"), DELETES('d', "deletes"), NEW_SESSIONS('n', "new_sessions"), DUPLICATES('u', "duplicates");

        private final byte code;
        private final String wireName;

        Metric(final char code, final String wireName) {
            this.code = (byte) code;
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        static Metric of(final byte code) {
            for (final Metric metric : values()) {
                if (metric.code == code) {
                    return metric;
                }
            }
            throw new IllegalArgumentException("no metric " + (char) code);
        }
    }

    /** What a count is broken down by; {@code TOTAL} is every event or session of the bucket. */
    public enum Dimension {
        TOTAL('*'), TYPE('t'), ORIGIN('o'), SOURCE('s'), AGENT_ID('a'),
        /** The event's own type as its origin gave it (Inkeep's type, Syllable's type, flux0's type), for Inkeep's queries. */
        OWN_TYPE('y');

        private final byte code;

        Dimension(final char code) {
            this.code = (byte) code;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Dimension of(final byte code) {
            for (final Dimension dimension : values()) {
                if (dimension.code == code) {
                    return dimension;
                }
            }
            throw new IllegalArgumentException("no dimension " + (char) code);
        }
    }

    /** A decoded key. */
    public record Counter(long bucketStart, Metric metric, Dimension dimension, String value) {
    }

    private StatsKey() {
    }

    public static Bytes of(final long bucketStart, final Metric metric, final Dimension dimension, final String value) {
        final byte[] text = value.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + Long.BYTES + 1 + text.length).put(dimension.code)
                .putLong(bucketStart ^ Long.MIN_VALUE).put(metric.code).put(text).array());
    }

    /** Before every counter of {@code dimension} in the buckets starting at or after {@code bucketStart}. */
    public static Bytes from(final Dimension dimension, final long bucketStart) {
        return Bytes.wrap(ByteBuffer.allocate(1 + Long.BYTES).put(dimension.code).putLong(bucketStart ^ Long.MIN_VALUE).array());
    }

    public static Counter decode(final Bytes key) {
        final ByteBuffer bytes = ByteBuffer.wrap(key.get());
        final Dimension dimension = Dimension.of(bytes.get());
        final long bucket = bytes.getLong() ^ Long.MIN_VALUE;
        final Metric metric = Metric.of(bytes.get());
        return new Counter(bucket, metric, dimension, new String(key.get(), bytes.position(), bytes.remaining(), StandardCharsets.UTF_8));
    }
}
