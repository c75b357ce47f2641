package io.sessionlog.streams;

import java.util.Properties;

import io.sessionlog.schemas.ClusterConfig;
import io.sessionlog.schemas.TopicProvisioner;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams settings every sessionlog application shares; each role adds its guarantee and handlers. */
public final class StreamsSettings {

    private StreamsSettings() {
    }

    /**
     * Client settings ({@code kafka.*}), identity, threads and state folder; room for 1 MiB events in every record,
     * changelog and fetch; names of internal topics and stores required to be explicit; and a 10 s session timeout,
     * since Kafka's 45 s makes a restarted instance wait that long for its own tasks; lz4 on everything written unless
     * {@code kafka.compression.type} says otherwise.
     */
    public static Properties common(final AbstractConfig config, final String applicationId, final long commitIntervalMs,
                                    final int threads, final String stateDir) {
        final Properties props = new Properties();
        props.putAll(ClusterConfig.kafkaClientConfig(config));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.getShort(ClusterConfig.TOPIC_REPLICATION_FACTOR));
        props.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), TopicProvisioner.MAX_MESSAGE_BYTES);
        // Every changelog is compacted: a tombstone (a hard delete's) is physically applied within this bound.
        props.put(StreamsConfig.topicPrefix(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG),
                config.getLong(ClusterConfig.TOPIC_MAX_COMPACTION_LAG_MS));
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), TopicProvisioner.MAX_MESSAGE_BYTES);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), TopicProvisioner.MAX_MESSAGE_BYTES);
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        // Every topic an app writes is compressed, its changelogs and repartition topics too (decision 0014): the
        // stores' values are Avro records carrying JSON.
        if (!props.containsKey(ProducerConfig.COMPRESSION_TYPE_CONFIG)) {
            props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), ClusterConfig.DEFAULT_COMPRESSION);
        }
        return props;
    }
}
