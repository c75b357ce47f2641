package io.sessionlog.processor;

import java.util.Map;
import java.util.Properties;

import io.sessionlog.schemas.ClusterConfig;
import io.sessionlog.schemas.TopicProvisioner;
import io.sessionlog.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/** Settings of the processor role; a wrong value fails at start with a message naming the key. */
public final class ProcessorConfig extends AbstractConfig {

    public static final String APPLICATION_ID = "processor.application.id";
    public static final String COMMIT_INTERVAL_MS = "processor.commit.interval.ms";
    public static final String THREADS = "processor.threads";
    public static final String STATE_DIR = "processor.state.dir";

    private static final ConfigDef DEF = ClusterConfig.define(new ConfigDef())
            .define(APPLICATION_ID, Type.STRING, "sessionlog-processor", Importance.HIGH,
                    "Kafka Streams application.id: the consumer group and the prefix of its internal topics.")
            .define(COMMIT_INTERVAL_MS, Type.LONG, 50L, Range.atLeast(10), Importance.MEDIUM,
                    "Transaction commit interval: under exactly-once, output becomes visible at each commit. 50 ms "
                            + "halves the wait of Kafka's 100 ms default at moderate load; near saturation commits cost "
                            + "throughput, and 100 ms or more does better.")
            .define(THREADS, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM, "Stream threads of this instance.")
            .define(STATE_DIR, Type.STRING, "data/streams", Importance.MEDIUM, "Folder of the local state stores.");

    public ProcessorConfig(final Map<?, ?> values) {
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

    /** Kafka Streams settings: exactly-once v2, explicit error handlers that route to the rejected topic. */
    public Properties streamsProperties() {
        final Properties props = new Properties();
        props.putAll(ClusterConfig.kafkaClientConfig(this));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, getString(APPLICATION_ID));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, getLong(COMMIT_INTERVAL_MS));
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, getInt(THREADS));
        props.put(StreamsConfig.STATE_DIR_CONFIG, getString(STATE_DIR));
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) getShort(ClusterConfig.TOPIC_REPLICATION_FACTOR));
        RejectedRecords.configure(props, topics().rejected());
        // Events may be 1 MiB: changelogs and produced records need the same room as the topics.
        props.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), TopicProvisioner.MAX_MESSAGE_BYTES);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), TopicProvisioner.MAX_MESSAGE_BYTES);
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), TopicProvisioner.MAX_MESSAGE_BYTES);
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // A crashed instance's tasks move after this long; Kafka's 45 s default makes a restart wait that long.
        props.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        return props;
    }
}
