package io.sessionlog.projections;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import io.sessionlog.projections.query.StatsKey;
import io.sessionlog.privacy.PrivacyConfig;
import io.sessionlog.schemas.ClusterConfig;
import io.sessionlog.schemas.Topics;
import io.sessionlog.streams.StreamsSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler;

/** Settings of the projections role; a wrong value fails at start with a message naming the key. */
public final class ProjectionsConfig extends AbstractConfig {

    public static final String APPLICATION_ID = "projections.application.id";
    public static final String COMMIT_INTERVAL_MS = "projections.commit.interval.ms";
    public static final String THREADS = "projections.threads";
    public static final String STATE_DIR = "projections.state.dir";
    public static final String STANDBY_REPLICAS = "projections.standby.replicas";
    public static final String STATS_MINUTE_RETENTION_MS = "projections.stats.minute.retention.ms";
    public static final String STATS_RETENTION_MS = "projections.stats.retention.ms";
    /** Minute buckets for two days, hour and day buckets for 400 days. */
    public static final Map<StatsKey.Interval, Duration> DEFAULT_STATS_RETENTION = Map.of(
            StatsKey.Interval.MINUTE, Duration.ofDays(2), StatsKey.Interval.HOUR, Duration.ofDays(400),
            StatsKey.Interval.DAY, Duration.ofDays(400));

    private static final ConfigDef DEF = PrivacyConfig.define(ClusterConfig.define(new ConfigDef()))
            .define(APPLICATION_ID, Type.STRING, "sessionlog-projections", Importance.HIGH,
                    "Kafka Streams application.id of the projections.")
            .define(COMMIT_INTERVAL_MS, Type.LONG, 1_000L, Range.atLeast(10), Importance.LOW,
                    "Offset commit interval: stores are queryable as soon as a record is applied, commits only bound replay.")
            .define(THREADS, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM, "Stream threads of this instance.")
            .define(STATE_DIR, Type.STRING, "data/streams", Importance.MEDIUM, "Folder of the local state stores.")
            .define(STANDBY_REPLICAS, Type.INT, 0, Range.atLeast(0), Importance.MEDIUM,
                    "Warm copies of each store on other instances (num.standby.replicas).")
            .define(STATS_MINUTE_RETENTION_MS, Type.LONG, DEFAULT_STATS_RETENTION.get(StatsKey.Interval.MINUTE).toMillis(),
                    Range.atLeast(3_600_000L), Importance.LOW, "How long /v1/stats keeps minute buckets; an event older than "
                            + "this (by its own time) when it arrives is not counted in them.")
            .define(STATS_RETENTION_MS, Type.LONG, DEFAULT_STATS_RETENTION.get(StatsKey.Interval.HOUR).toMillis(),
                    Range.atLeast(86_400_000L), Importance.LOW, "How long /v1/stats keeps hour and day buckets; an event older "
                            + "than this (by its own time) when it arrives is not counted in them.");

    public ProjectionsConfig(final Map<?, ?> values) {
        super(DEF, values);
    }

    public static ConfigDef configDef() {
        return DEF;
    }

    public Topics topics() {
        return new Topics(getString(ClusterConfig.TOPIC_PREFIX));
    }

    public Map<StatsKey.Interval, Duration> statsRetention() {
        final Duration minutes = Duration.ofMillis(getLong(STATS_MINUTE_RETENTION_MS));
        final Duration rest = Duration.ofMillis(getLong(STATS_RETENTION_MS));
        return Map.of(StatsKey.Interval.MINUTE, minutes, StatsKey.Interval.HOUR, rest, StatsKey.Interval.DAY, rest);
    }

    public Map<String, Object> serdeConfig() {
        return ClusterConfig.serdeConfig(this);
    }

    /**
     * Exactly-once: most store writes are idempotent (keyed by session and offset, or a whole view), but the stats
     * counters are not: a replay after a crash must not count an event twice, so stores and input offsets commit
     * together. read_committed keeps aborted processor output out.
     */
    public Properties streamsProperties(final String applicationServer) {
        final Properties props = StreamsSettings.common(this, getString(APPLICATION_ID), getLong(COMMIT_INTERVAL_MS),
                getInt(THREADS), getString(STATE_DIR));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, getInt(STANDBY_REPLICAS));
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        // Explicit, as Kafka's docs and code disagree on defaults: a read model must not skip a record silently, so
        // a failure stops the thread (it is replaced and retries) and shows in the logs and /health/ready.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndFailExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndFailProcessingExceptionHandler.class);
        props.putIfAbsent(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, ProjectionsRocksDbOptions.class);
        return props;
    }
}
