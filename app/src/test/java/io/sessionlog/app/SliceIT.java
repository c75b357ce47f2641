package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;

import io.sessionlog.testsupport.SharedKafkaCluster;
import io.sessionlog.processor.RejectedRecords;
import io.sessionlog.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The slice on the shared broker: every role and the registry in one app, with topics and groups of its own. */
@ExtendWith(SharedKafkaCluster.class)
class SliceIT {

    private static final String PREFIX = "slice-" + System.nanoTime() + ".";
    private static Sessionlog app;
    private static Http http;

    @BeforeAll
    static void start() {
        app = TestApps.start(PREFIX, java.util.Map.of());
        http = new Http(app.httpUrl());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void concurrentWritersToManySessionsGetGaplessOffsetsPerSession() throws Exception {
        final int sessions = 40;
        final int perSession = 15;
        final ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            final List<CompletableFuture<Integer>> posts = new ArrayList<>();
            for (int n = 0; n < perSession; n++) {
                for (int s = 0; s < sessions; s++) {
                    final String body = event("e" + s + "-" + n);
                    final String path = "/v1/sessions/many-" + s + "/events";
                    posts.add(CompletableFuture.supplyAsync(() -> http.post(path, body).status(), pool));
                }
            }
            for (final CompletableFuture<Integer> post : posts) {
                assertEquals(202, post.get());
            }
        } finally {
            pool.shutdown();
        }
        final List<Long> expected = LongStream.range(0, perSession).boxed().toList();
        for (int s = 0; s < sessions; s++) {
            final Http.Answer answer = http.awaitGet("/v1/sessions/many-" + s + "/events",
                    a -> a.status() == 200 && a.body().get("data").size() == perSession, Duration.ofSeconds(20));
            assertEquals(expected, Http.offsets(answer), "session many-" + s);
        }
    }

    @Test
    void aRefusedRequestAnswersProblemJsonNamingEveryInvalidItem() {
        final String bad = "[" + event("ok-1") + ",{\"id\":\"x\",\"type\":\"robot\"}]";
        final long before = TestApps.rawEndOffsets(app, PREFIX);
        final Http.Answer answer = http.post("/v1/sessions/refused/events", bad);
        assertEquals(before, TestApps.rawEndOffsets(app, PREFIX), "nothing of the refused request was written, the valid item neither");
        assertEquals(400, answer.status());
        assertEquals("application/problem+json", answer.contentType());
        assertEquals(400, answer.body().get("status").asInt());
        final List<String> fields = new ArrayList<>();
        answer.body().get("errors").forEach(e -> {
            assertEquals(1, e.get("index").asInt());
            fields.add(e.get("field").asText());
        });
        assertTrue(fields.containsAll(List.of("correlation_id", "type", "source", "data", "created_at")), fields.toString());
        assertEquals(404, http.get("/v1/sessions/refused").status(), "nothing of the refused request was written");
    }

    @Test
    void unreadableBytesOnTheRawTopicGoToRejectedUnderExactlyOnce() {
        final Topics topics = new Topics(PREFIX);
        final byte[] garbage = "definitely not avro".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", SharedKafkaCluster.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.raw(), "corrupt".getBytes(StandardCharsets.UTF_8), garbage));
        }
        final java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> garbageRecord =
                r -> new String(r.value(), StandardCharsets.UTF_8).equals("definitely not avro");
        final ConsumerRecord<byte[], byte[]> rejected = TestApps.awaitRejected(PREFIX,
                seen -> seen.stream().anyMatch(garbageRecord), Duration.ofSeconds(20)).stream().filter(garbageRecord).findFirst().orElseThrow();
        assertEquals("processor.deserialize", new String(rejected.headers().lastHeader(RejectedRecords.STAGE).value(), StandardCharsets.UTF_8));
        assertEquals(topics.raw(), new String(rejected.headers().lastHeader(RejectedRecords.SOURCE_TOPIC).value(), StandardCharsets.UTF_8));
        assertEquals(202, http.post("/v1/sessions/after-corrupt/events", event("after")).status());
        assertEquals(List.of(0L), Http.offsets(http.awaitGet("/v1/sessions/after-corrupt/events",
                a -> a.status() == 200 && a.body().get("data").size() == 1, Duration.ofSeconds(10))), "the processor keeps running");
    }

    @Test
    void metricsExposeHttpKafkaStreamsAndProducerFiguresInPrometheusText() throws Exception {
        assertEquals(202, http.post("/v1/sessions/metrics/events", event("metric-1")).status());
        http.awaitGet("/v1/sessions/metrics/events", a -> a.status() == 200 && a.body().get("data").size() == 1, Duration.ofSeconds(10));
        final var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(app.httpUrl() + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        final String text = response.body();
        assertTrue(text.contains("http_server_requests_seconds_count{method=\"POST\",route=\"/v1/sessions/{session_id}/events\",status=\"202\"}"),
                "HTTP requests by route pattern");
        assertTrue(text.contains("kafka_stream_thread_process_total"), "Kafka Streams thread metrics");
        assertTrue(text.contains("kafka_producer_record_send_total"), "the ingest producer's metrics");
        assertTrue(text.contains("jvm_memory_used_bytes"));
    }

    @Test
    void theOpenApiDocumentNamesEveryRegisteredRouteAndNoOther() {
        final Http.Answer answer = http.get("/openapi.json");
        assertEquals(200, answer.status());
        assertEquals("3.1.0", answer.body().get("openapi").asText());
        final java.util.Set<String> documented = new java.util.TreeSet<>();
        answer.body().get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(
                method -> documented.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey())));
        assertEquals(new java.util.TreeSet<>(app.routes()), documented);
    }

    @Test
    void theRootAnswersAnIndexOfLinks() {
        final Http.Answer index = http.get("/");
        assertEquals(200, index.status());
        assertEquals("/openapi.json", index.body().get("links").get("openapi").asText());
    }

    private static String event(final String id) {
        return "{\"id\":\"" + id + "\",\"correlation_id\":\"RID(lyH-sVmwJO)::Y8oBzYT4CQ\",\"type\":\"message\",\"source\":\"user\","
                + "\"data\":{\"type\":\"message\",\"parts\":[{\"type\":\"content\",\"content\":\"hi\"}]},"
                + "\"created_at\":\"2025-01-29T09:27:41Z\"}";
    }
}
