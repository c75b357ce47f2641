package io.sessionlog.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaClusterIT {

    private static final Path DIR = newTestDir("restart");

    @AfterAll
    static void cleanUp() {
        deleteRecursively(DIR);
    }

    @Test
    void aRecordWrittenBeforeARestartIsReadAfterIt() throws Exception {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder(DIR).build().start(Duration.ofSeconds(60))) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("survivor", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("survivor", "k", "before restart")).get(30, TimeUnit.SECONDS);
            }
        }
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder(DIR).build().start(Duration.ofSeconds(60));
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, "restart-check",
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("survivor"));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            ConsumerRecords<String, String> records = ConsumerRecords.empty();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                records = consumer.poll(Duration.ofMillis(500));
            }
            assertEquals("before restart", records.iterator().next().value());
        }
    }

    @Test
    void threeNodesReplicateATopic() throws Exception {
        final Path dir = newTestDir("three-nodes");
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder(dir).nodes(3).build().start(Duration.ofSeconds(60));
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("replicated", 2, (short) 3))).all().get(30, TimeUnit.SECONDS);
            final int replicas = admin.describeTopics(List.of("replicated")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("replicated").partitions().get(0).replicas().size();
            assertEquals(3, replicas);
        } finally {
            deleteRecursively(dir);
        }
    }

    private static Path newTestDir(final String name) {
        return Path.of("target", "it-data", name + "-" + System.nanoTime());
    }

    private static void deleteRecursively(final Path dir) {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
