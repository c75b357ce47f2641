package io.sessionlog.schemas;

import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The settings every role shares: how to reach Kafka and the schema registry, and the topics' names and shape.
 * Each module's configuration class starts from {@link #define(ConfigDef)} and adds its own keys. Keys are dotted
 * lower case, so an environment variable maps 1:1 ({@code SESSIONLOG_TOPIC_PREFIX} = {@code topic.prefix}).
 */
public final class ClusterConfig {

    public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    /** Any key under this prefix goes to every Kafka client with the prefix removed (SASL, SSL, timeouts...). */
    public static final String KAFKA_CLIENT_PREFIX = "kafka.";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String TOPIC_REPLICATION_FACTOR = "topic.replication.factor";
    public static final String TOPIC_EVENTS_RETENTION_MS = "topic.events.retention.ms";
    public static final String TOPIC_EVENTS_RETENTION_BYTES = "topic.events.retention.bytes";
    public static final String TOPIC_RAW_RETENTION_MS = "topic.raw.retention.ms";
    public static final String TOPIC_REJECTED_RETENTION_MS = "topic.rejected.retention.ms";
    public static final String TOPIC_MAX_COMPACTION_LAG_MS = "topic.max.compaction.lag.ms";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /**
     * The compression of everything sessionlog writes (ingest, processor, projections: changelogs too) unless {@code kafka.compression.type}
     * says otherwise: lz4 is cheap on CPU for ~800-byte JSON-bearing records. Note that kafkajs cannot read lz4.
     */
    public static final String DEFAULT_COMPRESSION = "lz4";

    private ClusterConfig() {
    }

    public static ConfigDef define(final ConfigDef def) {
        return def
                .define(BOOTSTRAP_SERVERS, Type.STRING, "", Importance.HIGH,
                        "Kafka bootstrap servers. Empty: the app starts its embedded broker and uses it.")
                .define(TOPIC_PREFIX, Type.STRING, Topics.DEFAULT_PREFIX, Importance.MEDIUM,
                        "Prefix of every topic name.")
                .define(TOPIC_PARTITIONS, Type.INT, 6, Range.atLeast(1), Importance.MEDIUM,
                        "Partitions of the topics sessionlog creates when they are missing.")
                .define(TOPIC_REPLICATION_FACTOR, Type.SHORT, (short) -1, Importance.MEDIUM,
                        "Replication factor of created topics; -1 takes the broker's default.replication.factor.")
                .define(TOPIC_EVENTS_RETENTION_MS, Type.LONG, TopicSettings.FOREVER, Range.atLeast(-1), Importance.HIGH,
                        "retention.ms of the events topic, the system of record: -1 (default) keeps every event forever; "
                        + "every rebuild of the read models and every new consumer read it from its start.")
                .define(TOPIC_EVENTS_RETENTION_BYTES, Type.LONG, TopicSettings.FOREVER, Range.atLeast(-1), Importance.MEDIUM,
                        "retention.bytes of each partition of the events topic; -1 (default): no bound.")
                .define(TOPIC_RAW_RETENTION_MS, Type.LONG, TopicSettings.RAW_RETENTION_MS, Range.atLeast(3_600_000L), Importance.HIGH,
                        "retention.ms of events.raw, the inbox: a record is needed only until the processor stamped it, so "
                        + "3 days (default) covers a processor stopped over a weekend; a processor stopped longer loses what "
                        + "it had not stamped. Deduplication does not depend on it (the processor keeps every event id).")
                .define(TOPIC_REJECTED_RETENTION_MS, Type.LONG, TopicSettings.REJECTED_RETENTION_MS, Range.atLeast(-1), Importance.MEDIUM,
                        "retention.ms of the rejected topic (the original bytes of what could not be processed): 7 days by default.")
                .define(TOPIC_MAX_COMPACTION_LAG_MS, Type.LONG, TopicSettings.MAX_COMPACTION_LAG_MS, Range.atLeast(60_000L), Importance.MEDIUM,
                        "max.compaction.lag.ms of every compacted topic sessionlog owns (sessions and every Streams changelog): "
                        + "a tombstone, a hard delete's included, is physically applied within about this bound (1 day by default).")
                .define(SCHEMA_REGISTRY_URL, Type.STRING, "http://localhost:8081", Importance.HIGH,
                        "Confluent-compatible schema registry URL(s), comma-separated; mock://scope for tests.")
                .define(AUTO_REGISTER_SCHEMAS, Type.BOOLEAN, true, Importance.MEDIUM,
                        "Register the writer schema when it is new (Confluent's key).")
                .define(USE_LATEST_VERSION, Type.BOOLEAN, false, Importance.LOW,
                        "Write with the subject's latest registered schema (Confluent's key).")
                .define(BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, "USER_INFO",
                        ConfigDef.ValidString.in("USER_INFO", "URL"), Importance.LOW,
                        "Where the registry's basic-auth credentials come from (Confluent's key).")
                .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, "", Importance.LOW,
                        "user:password for the schema registry (Confluent's key).");
    }

    /** The Kafka client settings: every {@code kafka.*} key with the prefix removed, bootstrap servers included. */
    public static Map<String, Object> kafkaClientConfig(final org.apache.kafka.common.config.AbstractConfig config) {
        final Map<String, Object> client = new java.util.HashMap<>(config.originalsWithPrefix(KAFKA_CLIENT_PREFIX));
        client.put("bootstrap.servers", config.getString(BOOTSTRAP_SERVERS));
        return client;
    }

    /** The serde settings of a parsed configuration, under Confluent's own keys. */
    public static Map<String, Object> serdeConfig(final org.apache.kafka.common.config.AbstractConfig config) {
        final Map<String, ?> values = config.values();
        final Map<String, Object> serde = new java.util.HashMap<>();
        for (final String key : new String[] {SCHEMA_REGISTRY_URL, AUTO_REGISTER_SCHEMAS, USE_LATEST_VERSION,
            BASIC_AUTH_CREDENTIALS_SOURCE}) {
            serde.put(key, values.get(key));
        }
        final Object userInfo = values.get(BASIC_AUTH_USER_INFO);
        serde.put(BASIC_AUTH_USER_INFO, userInfo instanceof org.apache.kafka.common.config.types.Password p
                ? p.value() : userInfo);
        return serde;
    }
}
