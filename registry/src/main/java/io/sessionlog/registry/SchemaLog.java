package io.sessionlog.registry;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's storage: a one-partition compacted topic, read from the start into {@link RegistryState} by one
 * thread, written with acks=all. Keys and values are JSON in the layout Confluent's registry uses
 * ({@code {"keytype":"SCHEMA","subject":..,"version":..,"magic":1}}), so the log reads naturally to its users.
 */
final class SchemaLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;
    private final short replicationFactor;
    private final RegistryState state;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Admin admin;
    private final Thread reader;
    private final Object progress = new Object();
    private long appliedUpTo;
    private volatile RuntimeException readerFailure;

    SchemaLog(final Map<String, Object> clientConfig, final String topic, final short replicationFactor,
              final RegistryState state) {
        this.topic = topic;
        this.replicationFactor = replicationFactor;
        this.state = state;
        final Map<String, Object> producerConfig = new HashMap<>(clientConfig);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // Compressed like everything else sessionlog writes, unless kafka.compression.type says otherwise.
        producerConfig.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, io.sessionlog.schemas.ClusterConfig.DEFAULT_COMPRESSION);
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer());
        final Map<String, Object> consumerConfig = new HashMap<>(clientConfig);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer());
        this.admin = Admin.create(clientConfig);
        this.reader = new Thread(this::readForever, "schema-log-reader");
        this.reader.setDaemon(true);
    }

    /** Creates the topic when missing, then reads it to its end before returning. */
    void start(final Duration timeout) {
        ensureTopic();
        final TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        final long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
        reader.start();
        awaitApplied(end, timeout);
        LOG.info("schema registry read {} record(s) of {}", end, topic);
    }

    long appendSchema(final String subject, final int version, final int id, final Schema schema) {
        final ObjectNode key = JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", subject)
                .put("version", version).put("magic", 1);
        final ObjectNode value = JSON.createObjectNode().put("subject", subject).put("version", version)
                .put("id", id).put("schema", schema.toString()).put("deleted", false);
        return append(key.toString(), value.toString());
    }

    long appendConfig(final String subject, final CompatibilityLevel level) {
        final ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG").put("magic", 0);
        if (subject == null) {
            key.putNull("subject");
        } else {
            key.put("subject", subject);
        }
        final String value = level == null ? null : JSON.createObjectNode().put("compatibilityLevel", level.name()).toString();
        return append(key.toString(), value);
    }

    /**
     * Waits until everything written to the log so far, by any instance, is applied: a read that misses calls this
     * before answering 404, so an id registered through another instance a moment ago is found.
     */
    void catchUp(final Duration timeout) {
        final TopicPartition partition = new TopicPartition(topic, 0);
        try {
            final long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
            awaitApplied(end, timeout);
        } catch (ExecutionException | TimeoutException e) {
            throw new RegistryError(500, 50001, "Error while reading the schema log's end: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryError(500, 50001, "interrupted");
        }
    }

    /** Waits until the reader has applied the record at {@code offset}. */
    void awaitApplied(final long offset, final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (appliedUpTo < offset) {
                if (readerFailure != null) {
                    throw readerFailure;
                }
                final long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new RegistryError(500, 50002, "Timed out waiting for the schema log to reach offset " + offset);
                }
                try {
                    progress.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RegistryError(500, 50001, "interrupted");
                }
            }
        }
    }

    private long append(final String key, final String value) {
        try {
            return producer.send(new ProducerRecord<>(topic, 0, key, value)).get(30, TimeUnit.SECONDS).offset() + 1;
        } catch (ExecutionException | TimeoutException e) {
            throw new RegistryError(500, 50001, "Error while storing the schema in Kafka: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryError(500, 50001, "interrupted");
        }
    }

    private void readForever() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record);
                }
                final long position = consumer.position(new TopicPartition(topic, 0));
                synchronized (progress) {
                    appliedUpTo = position;
                    progress.notifyAll();
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop.
        } catch (RuntimeException e) {
            LOG.error("schema log reader stopped: {}", e.toString());
            readerFailure = new RegistryError(500, 50001, "schema log reader stopped: " + e);
        } finally {
            consumer.close();
        }
    }

    private void apply(final ConsumerRecord<String, String> record) {
        try {
            final JsonNode key = JSON.readTree(record.key());
            final String keytype = key.path("keytype").asText();
            final Optional<JsonNode> value = record.value() == null ? Optional.empty() : Optional.of(JSON.readTree(record.value()));
            if ("SCHEMA".equals(keytype) && value.isPresent() && !value.get().path("deleted").asBoolean(false)) {
                final JsonNode v = value.get();
                state.applySchema(v.get("subject").asText(), v.get("version").asInt(), v.get("id").asInt(),
                        new Schema.Parser().parse(v.get("schema").asText()));
            } else if ("CONFIG".equals(keytype)) {
                final String subject = key.path("subject").isTextual() ? key.get("subject").asText() : null;
                state.applyConfig(subject, value.map(v -> CompatibilityLevel.parse(v.get("compatibilityLevel").asText()))
                        .orElse(null));
            }
        } catch (Exception e) {
            LOG.warn("skipping unreadable record at {}-{}@{}: {}", topic, record.partition(), record.offset(), e.toString());
        }
    }

    private void ensureTopic() {
        try {
            final NewTopic newTopic = new NewTopic(topic, Optional.of(1), replicationFactor < 1 ? Optional.empty()
                    : Optional.of(replicationFactor))
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(newTopic)).all().get(60, TimeUnit.SECONDS);
            LOG.info("created schema topic {}", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create schema topic " + topic + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating schema topic " + topic, e);
        }
    }

    @Override
    public void close() {
        consumer.wakeup();
        try {
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
