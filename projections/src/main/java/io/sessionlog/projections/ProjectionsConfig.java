package io.sessionlog.projections;

import java.util.Map;
import java.util.Properties;

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

    private static final ConfigDef DEF = ClusterConfig.define(new ConfigDef())
            .define(APPLICATION_ID, Type.STRING, "sessionlog-projections", Importance.HIGH,
                    "Kafka Streams application.id of the projections.")
            .define(COMMIT_INTERVAL_MS, Type.LONG, 1_000L, Range.atLeast(10), Importance.LOW,
                    "Offset commit interval: stores are queryable as soon as a record is applied, commits only bound replay.")
            .define(THREADS, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM, "Stream threads of this instance.")
            .define(STATE_DIR, Type.STRING, "data/streams", Importance.MEDIUM, "Folder of the local state stores.")
            .define(STANDBY_REPLICAS, Type.INT, 0, Range.atLeast(0), Importance.MEDIUM,
                    "Warm copies of each store on other instances (num.standby.replicas).");

    public ProjectionsConfig(final Map<?, ?> values) {
        super(DEF, values);
    }

    public static ConfigDef configDef() {
        return DEF;
    }

    public Topics topics() {
        return new Topics(getString(ClusterConfig.TOPIC_PREFIX));
    }

    public Map<String, Object> serdeConfig() {
        return ClusterConfig.serdeConfig(this);
    }

    /**
     * At-least-once is enough here: every store write is idempotent (keyed by session and offset, or a whole view),
     * so a replay after a crash rewrites the same values. read_committed keeps aborted processor output out.
     */
    public Properties streamsProperties(final String applicationServer) {
        final Properties props = StreamsSettings.common(this, getString(APPLICATION_ID), getLong(COMMIT_INTERVAL_MS),
                getInt(THREADS), getString(STATE_DIR));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, getInt(STANDBY_REPLICAS));
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        // Explicit, as Kafka's docs and code disagree on defaults: a read model must not skip a record silently, so
        // a failure stops the thread (it is replaced and retries) and shows in the logs and /health/ready.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndFailExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndFailProcessingExceptionHandler.class);
        return props;
    }
}
