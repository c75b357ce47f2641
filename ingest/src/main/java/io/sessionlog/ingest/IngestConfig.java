package io.sessionlog.ingest;

import java.util.HashMap;
import java.util.Map;

import io.sessionlog.privacy.MasterKeys;
import io.sessionlog.privacy.PrivacyConfig;
import io.sessionlog.schemas.ClusterConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import io.sessionlog.schemas.TopicProvisioner;

/** Settings of the ingest role; a wrong value fails at start with a message naming the key. */
public final class IngestConfig extends AbstractConfig {

    public static final String MAX_EVENT_BYTES = "ingest.max.event.bytes";
    public static final String MAX_REQUEST_BYTES = "ingest.max.request.bytes";
    public static final String MAX_BLOCK_MS = "ingest.max.block.ms";
    public static final String LINGER_MS = "ingest.linger.ms";
    public static final String DELIVERY_TIMEOUT_MS = "ingest.delivery.timeout.ms";

    private static final ConfigDef DEF = PrivacyConfig.define(ClusterConfig.define(new ConfigDef()))
            .define(MAX_EVENT_BYTES, Type.INT, 1024 * 1024, Range.between(1, 4 * 1024 * 1024), Importance.MEDIUM,
                    "Largest event accepted, in bytes of its JSON; larger answers 413.")
            .define(MAX_REQUEST_BYTES, Type.INT, 10 * 1024 * 1024, Range.atLeast(1), Importance.MEDIUM,
                    "Largest request body accepted; larger answers 413.")
            .define(MAX_BLOCK_MS, Type.LONG, 2_000L, Range.atLeast(0), Importance.LOW,
                    "How long a request may wait for room in the producer's buffer before it answers 503.")
            .define(LINGER_MS, Type.INT, 1, Range.atLeast(0), Importance.LOW,
                    "Producer linger: batches records of concurrent requests; every request waits for it.")
            .define(DELIVERY_TIMEOUT_MS, Type.INT, 30_000, Range.atLeast(1_000), Importance.LOW,
                    "How long Kafka may take to acknowledge a request's records before it answers 503.");

    public IngestConfig(final Map<?, ?> values) {
        super(DEF, values);
    }

    public static ConfigDef configDef() {
        return DEF;
    }

    /** acks=all and idempotence: a 202 means every record of the request is on every in-sync replica, once. */
    public Map<String, Object> producerConfig() {
        final Map<String, Object> config = new HashMap<>(ClusterConfig.kafkaClientConfig(this));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, getInt(LINGER_MS));
        config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, ClusterConfig.DEFAULT_COMPRESSION);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicProvisioner.MAX_MESSAGE_BYTES);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, getLong(MAX_BLOCK_MS));
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, getInt(DELIVERY_TIMEOUT_MS));
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(getInt(DELIVERY_TIMEOUT_MS) - 100, 30_000));
        return config;
    }

    /** The master keys when privacy.encryption is on; fails naming the key when it is on without a valid one. */
    public java.util.Optional<MasterKeys> masterKeys() {
        return PrivacyConfig.masterKeys(this);
    }

    /** How long sealing may wait for a new session key to be acknowledged: as long as the event's own write. */
    public java.time.Duration sealTimeout() {
        return java.time.Duration.ofMillis(getInt(DELIVERY_TIMEOUT_MS));
    }

    public Map<String, Object> serdeConfig() {
        return ClusterConfig.serdeConfig(this);
    }
}
