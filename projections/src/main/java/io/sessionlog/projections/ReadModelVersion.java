package io.sessionlog.projections;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Which version of the read models the projections' state holds, on a one-record compacted topic of their own
 * ({@code <application id>-read-models}): a version that adds or changes a read model raises {@link #CURRENT}, and
 * the projections of a cluster whose state is older rebuild it from the topics at start (docs/operations.md).
 */
final class ReadModelVersion {

    /**
     * The read models of this version. 1: the analysts' read models (events by time, sessions by owner and time, the
     * correlation index, stats) and the hard delete; state from before it lacks them.
     */
    static final int CURRENT = 1;
    private static final String KEY = "read-model-version";

    private final Map<String, Object> clientConfig;
    private final String applicationId;
    private final String topic;
    private final short replicationFactor;
    private final org.apache.kafka.common.utils.Time time;

    /** {@code replicationFactor} is {@code topic.replication.factor}: below 1, the brokers' default. */
    ReadModelVersion(final Map<String, Object> clientConfig, final String applicationId, final short replicationFactor,
                     final org.apache.kafka.common.utils.Time time) {
        this.clientConfig = clientConfig;
        this.replicationFactor = replicationFactor;
        this.time = time;
        this.applicationId = applicationId;
        this.topic = applicationId + "-read-models";
    }

    String topic() {
        return topic;
    }

    /**
     * Whether the state needs a rebuild: its version is older than this one's. A cluster without any state (no
     * committed offsets) needs none: it fills as it reads, and is marked current at once.
     */
    Optional<String> staleState() throws Exception {
        try (Admin admin = Admin.create(clientConfig)) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, Optional.of(1),
                        replicationFactor < 1 ? Optional.empty() : Optional.of(replicationFactor))
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            final OptionalInt stored = read();
            if (stored.isPresent() && stored.getAsInt() >= CURRENT) {
                return Optional.empty();
            }
            if (!hasState(admin)) {
                write();
                return Optional.empty();
            }
            return Optional.of(stored.isPresent() ? "the read models are of version " + stored.getAsInt() + ", this version's are " + CURRENT
                    : "the read models were written by a version before " + CURRENT);
        }
    }

    private boolean hasState(final Admin admin) throws Exception {
        try {
            return !admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS).isEmpty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return false;
            }
            throw e;
        }
    }

    private OptionalInt read() {
        final Map<String, Object> config = new java.util.HashMap<>(clientConfig);
        config.remove("group.id");
        // The topic was just created: a consumer allowed to ask for it to be created makes the broker warn that it exists.
        config.put("allow.auto.create.topics", false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            final TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final long end = consumer.endOffsets(List.of(partition)).get(partition);
            OptionalInt version = OptionalInt.empty();
            final long deadline = time.milliseconds() + Duration.ofSeconds(60).toMillis();
            while (consumer.position(partition) < end && time.milliseconds() < deadline) {
                for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (KEY.equals(record.key()) && record.value() != null) {
                        version = OptionalInt.of(Integer.parseInt(record.value()));
                    }
                }
            }
            return version;
        }
    }

    /** Marks the state as of this version. */
    void write() throws Exception {
        final Map<String, Object> config = new java.util.HashMap<>(clientConfig);
        config.put("acks", "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, KEY, String.valueOf(CURRENT))).get(60, TimeUnit.SECONDS);
        }
    }
}
