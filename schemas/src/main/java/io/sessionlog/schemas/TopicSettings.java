package io.sessionlog.schemas;

import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.TopicConfig;

/**
 * What sessionlog asks of each of its topics: the cleanup policy contract §3 gives it and how long it keeps what it
 * holds (docs/lifecycle.md). {@code events} is the system of record, kept forever by default; {@code events.raw} is an
 * inbox whose records are needed only until stamped; {@code sessions} is compacted, with a bound on how long a
 * tombstone waits before compaction applies it; so is {@code keys}, where that bound is how long a destroyed key's bytes
 * may stay on a broker's disk.
 */
public record TopicSettings(long eventsRetentionMs, long eventsRetentionBytes, long rawRetentionMs, long rejectedRetentionMs,
                            long maxCompactionLagMs) {

    public static final long FOREVER = -1L;
    public static final long RAW_RETENTION_MS = 3 * 24 * 3_600_000L;
    public static final long REJECTED_RETENTION_MS = 7 * 24 * 3_600_000L;
    public static final long MAX_COMPACTION_LAG_MS = 24 * 3_600_000L;
    public static final long RAW_SEGMENT_MS = 6 * 3_600_000L;

    /** The defaults of every key. */
    public static final TopicSettings DEFAULTS = new TopicSettings(FOREVER, FOREVER, RAW_RETENTION_MS, REJECTED_RETENTION_MS,
            MAX_COMPACTION_LAG_MS);

    /** The settings of a parsed configuration (ClusterConfig's {@code topic.*} keys). */
    public static TopicSettings of(final AbstractConfig config) {
        return new TopicSettings(config.getLong(ClusterConfig.TOPIC_EVENTS_RETENTION_MS), config.getLong(ClusterConfig.TOPIC_EVENTS_RETENTION_BYTES),
                config.getLong(ClusterConfig.TOPIC_RAW_RETENTION_MS), config.getLong(ClusterConfig.TOPIC_REJECTED_RETENTION_MS),
                config.getLong(ClusterConfig.TOPIC_MAX_COMPACTION_LAG_MS));
    }

    /** How long a segment of events.raw stays open: a tenth of its retention, at most 6 hours. */
    public long rawSegmentMs() {
        return Math.min(RAW_SEGMENT_MS, Math.max(60_000L, rawRetentionMs / 10));
    }

    /** One topic config sessionlog sets, and the sessionlog key it comes from (null: not configurable). */
    public record Setting(String value, String key) {
    }

    /** The configs of {@code topic} (one of {@code topics.all()}), each with the key that sets it. */
    public Map<String, Setting> configsOf(final Topics topics, final String topic) {
        final Setting maxMessage = new Setting(String.valueOf(TopicProvisioner.MAX_MESSAGE_BYTES), null);
        if (topic.equals(topics.sessions()) || topic.equals(topics.keys())) {
            return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, new Setting(TopicConfig.CLEANUP_POLICY_COMPACT, null),
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessage,
                    TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, new Setting(String.valueOf(maxCompactionLagMs), ClusterConfig.TOPIC_MAX_COMPACTION_LAG_MS));
        }
        final Setting delete = new Setting(TopicConfig.CLEANUP_POLICY_DELETE, null);
        if (topic.equals(topics.events())) {
            return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, delete, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessage,
                    TopicConfig.RETENTION_MS_CONFIG, new Setting(String.valueOf(eventsRetentionMs), ClusterConfig.TOPIC_EVENTS_RETENTION_MS),
                    TopicConfig.RETENTION_BYTES_CONFIG, new Setting(String.valueOf(eventsRetentionBytes), ClusterConfig.TOPIC_EVENTS_RETENTION_BYTES));
        }
        if (topic.equals(topics.raw())) {
            // Retention drops whole segments once their newest record is older than it; the broker rolls a segment
            // after 7 days by default, which would keep a quiet inbox's records for 7 days plus retention.
            return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, delete, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessage,
                    TopicConfig.RETENTION_MS_CONFIG, new Setting(String.valueOf(rawRetentionMs), ClusterConfig.TOPIC_RAW_RETENTION_MS),
                    TopicConfig.SEGMENT_MS_CONFIG, new Setting(String.valueOf(rawSegmentMs()), ClusterConfig.TOPIC_RAW_RETENTION_MS));
        }
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, delete, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessage,
                TopicConfig.RETENTION_MS_CONFIG, new Setting(String.valueOf(rejectedRetentionMs), ClusterConfig.TOPIC_REJECTED_RETENTION_MS));
    }
}
