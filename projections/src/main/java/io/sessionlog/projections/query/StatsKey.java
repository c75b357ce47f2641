package io.sessionlog.projections.query;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

import org.apache.kafka.common.utils.Bytes;

/**
 * The key of a counter in the stats window stores: the metric, the dimension it is broken down by ({@link #TOTAL}
 * for none) and the dimension's value. Each store holds one bucket size; the window is the bucket.
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
        TOTAL('*'), TYPE('t'), ORIGIN('o'), SOURCE('s'), AGENT_ID('a');

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
    public record Counter(Metric metric, Dimension dimension, String value) {
    }

    private StatsKey() {
    }

    public static Bytes of(final Metric metric, final Dimension dimension, final String value) {
        final byte[] text = value.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(2 + text.length).put(metric.code).put(dimension.code).put(text).array());
    }

    public static Counter decode(final Bytes key) {
        final byte[] bytes = key.get();
        return new Counter(Metric.of(bytes[0]), Dimension.of(bytes[1]), new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_8));
    }
}
