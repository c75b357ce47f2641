package io.sessionlog.app;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.sessionlog.http.Json;
import io.sessionlog.http.Paths;
import io.sessionlog.http.Problem;
import io.sessionlog.http.Scope;
import io.sessionlog.processor.RejectedRecords;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code GET /v1/cluster}: what an operator checks first, from the cluster itself rather than one instance's
 * metrics: how far the processor and the projections are behind (their committed offsets against the ends of the
 * topics they read), and why the latest records were rejected (the last {@value #REJECTED_TAIL} records of each
 * partition of the rejected topic, counted by reason and stage). Answers are kept {@value #FRESH_MS} ms, so a page
 * refreshing or many people looking cost the cluster one look.
 */
final class ClusterRoutes implements AutoCloseable {

    static final int REJECTED_TAIL = 200;
    static final long FRESH_MS = 2_000;
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> rejectedReader;
    private final List<String> groups;
    private final String rejectedTopic;
    private final Duration timeout;
    private ObjectNode latest;
    private long latestAt;

    ClusterRoutes(final Map<String, Object> clientConfig, final List<String> groups, final String rejectedTopic) {
        this(clientConfig, groups, rejectedTopic, TIMEOUT);
    }

    /** {@code timeout}: how long each question to the cluster may take before the answer is 503. */
    ClusterRoutes(final Map<String, Object> clientConfig, final List<String> groups, final String rejectedTopic,
                  final Duration timeout) {
        this.timeout = timeout;
        this.admin = Admin.create(clientConfig);
        final Map<String, Object> consumer = new HashMap<>(clientConfig);
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.rejectedReader = new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.groups = groups;
        this.rejectedTopic = rejectedTopic;
    }

    void register(final Javalin app) {
        app.get(Paths.CLUSTER, this::get, Scope.READ);
    }

    private void get(final Context ctx) {
        Json.answer(ctx, 200, answer());
    }

    private synchronized ObjectNode answer() {
        if (latest != null && System.currentTimeMillis() - latestAt < FRESH_MS) {
            return latest;
        }
        try {
            final ObjectNode body = Json.MAPPER.createObjectNode();
            final ArrayNode lag = body.putArray("lag");
            for (final String group : groups) {
                lag(group, lag);
            }
            body.set("rejected", rejected());
            latest = body;
            latestAt = System.currentTimeMillis();
            return body;
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.errors.TimeoutException e) {
            // The admin's futures time out with the JDK's exception, the consumer's calls with Kafka's own.
            throw Problem.unavailable("the Kafka cluster did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problem.unavailable("interrupted");
        }
    }

    /** One row per topic the group reads: records behind in all, and per partition. */
    private void lag(final String group, final ArrayNode rows) throws ExecutionException, InterruptedException, TimeoutException {
        final Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        final Map<TopicPartition, OffsetAndMetadata> known = committed.entrySet().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = ends(known.keySet());
        final Map<String, Map<Integer, Long>> byTopic = new TreeMap<>();
        known.forEach((partition, offset) -> byTopic.computeIfAbsent(partition.topic(), topic -> new TreeMap<>())
                .put(partition.partition(), Math.max(0, ends.get(partition).offset() - offset.offset())));
        byTopic.forEach((topic, partitions) -> {
            final ObjectNode row = rows.addObject().put("group", group).put("topic", topic)
                    .put("lag", partitions.values().stream().mapToLong(Long::longValue).sum());
            final ArrayNode each = row.putArray("partitions");
            partitions.forEach((partition, behind) -> each.addObject().put("partition", partition).put("lag", behind));
        });
    }

    private Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends(final java.util.Set<TopicPartition> partitions)
            throws ExecutionException, InterruptedException, TimeoutException {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        // The consumers read committed records: the end that counts is the last stable offset.
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())),
                        new org.apache.kafka.clients.admin.ListOffsetsOptions(org.apache.kafka.common.IsolationLevel.READ_COMMITTED))
                .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private ObjectNode rejected() {
        final List<TopicPartition> partitions = rejectedReader.partitionsFor(rejectedTopic, timeout).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        rejectedReader.assign(partitions);
        final Map<TopicPartition, Long> begin = rejectedReader.beginningOffsets(partitions, timeout);
        final Map<TopicPartition, Long> end = rejectedReader.endOffsets(partitions, timeout);
        final Map<TopicPartition, Long> left = new HashMap<>();
        for (final TopicPartition partition : partitions) {
            rejectedReader.seek(partition, Math.max(begin.get(partition), end.get(partition) - REJECTED_TAIL));
            if (end.get(partition) > begin.get(partition)) {
                left.put(partition, end.get(partition));
            }
        }
        final Map<List<String>, long[]> counts = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        final Map<List<String>, Long> latestTime = new HashMap<>();
        int scanned = 0;
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            for (final ConsumerRecord<byte[], byte[]> record : rejectedReader.poll(Duration.ofMillis(200))) {
                final TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (record.offset() + 1 >= left.getOrDefault(partition, Long.MAX_VALUE)) {
                    left.remove(partition);
                }
                scanned++;
                final List<String> reason = List.of(header(record, RejectedRecords.REASON), header(record, RejectedRecords.STAGE));
                counts.computeIfAbsent(reason, r -> new long[1])[0]++;
                latestTime.merge(reason, record.timestamp(), Math::max);
            }
            // A partition whose last records are transaction markers has nothing more to give.
            for (final TopicPartition partition : new ArrayList<>(left.keySet())) {
                if (rejectedReader.position(partition) >= left.get(partition)) {
                    left.remove(partition);
                }
            }
        }
        final ObjectNode body = Json.MAPPER.createObjectNode().put("topic", rejectedTopic).put("scanned", scanned);
        final ArrayNode reasons = body.putArray("reasons");
        counts.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).forEach(entry ->
                reasons.addObject().put("reason", entry.getKey().get(0)).put("stage", entry.getKey().get(1))
                        .put("count", entry.getValue()[0]).put("latest", Instant.ofEpochMilli(latestTime.get(entry.getKey())).toString()));
        return body;
    }

    private static String header(final ConsumerRecord<?, ?> record, final String name) {
        final Header header = record.headers().lastHeader(name);
        return header == null ? "unknown" : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        rejectedReader.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
