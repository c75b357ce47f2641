package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionlog.testsupport.SharedKafkaCluster;
import io.sessionlog.ingest.Fixtures;
import io.sessionlog.ingest.fuzz.BodyMutator;
import io.sessionlog.schemas.Topics;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A bounded fuzz run over HTTP: mutated bodies of every write route, with hostile path ids and media types, sent one
 * at a time. No answer is a 5xx, every refusal is problem+json, a refused request adds nothing to {@code events.raw}
 * and an accepted one adds exactly what it was acknowledged for; afterwards the pipeline still stamps.
 */
@ExtendWith(SharedKafkaCluster.class)
class HttpFuzzIT {

    private static final String PREFIX = "fuzz-" + System.nanoTime() + ".";
    private static final int REQUESTS = 400;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PATH_IDS = List.of("zv3h4j5Fjv", "%FF", "%C0%AF", "a%2Fb", "%00", "..", "x".repeat(300),
            "%F0%9F%8C%81", "%E2%80%AE", "s%20p");
    private static final List<String> MEDIA_TYPES = List.of("application/json", "application/json", "application/json",
            "application/json; charset=utf-8", "application/x-ndjson", "text/plain", "application/json; charset=utf-16", "");
    private static Sessionlog app;

    @BeforeAll
    static void start() {
        app = TestApps.start(PREFIX, Map.of());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void mutatedRequestsNeverFailTheServerNorWriteHalfARequest() throws Exception {
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        final Random random = new Random(20261203);
        final List<String> outcomes = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                SharedKafkaCluster.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> raw = consumer.partitionsFor(new Topics(PREFIX).raw()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            for (int i = 0; i < REQUESTS; i++) {
                final Target target = target(random);
                final byte[] body = new BodyMutator(random.nextLong()).mutate(target.valid());
                final String mediaType = MEDIA_TYPES.get(random.nextInt(MEDIA_TYPES.size()));
                final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.httpUrl() + target.path()))
                        .timeout(Duration.ofSeconds(30)).method(target.method(), HttpRequest.BodyPublishers.ofByteArray(body));
                if (!mediaType.isEmpty()) {
                    request.header("Content-Type", mediaType);
                }
                final long before = endOffsets(consumer, raw);
                final HttpResponse<byte[]> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                final long written = endOffsets(consumer, raw) - before;
                final String what = target.method() + " " + target.path() + " (" + mediaType + "): "
                        + new String(java.util.Arrays.copyOf(body, Math.min(200, body.length)), StandardCharsets.UTF_8);
                assertTrue(answer.statusCode() < 500, answer.statusCode() + " for " + what + "\n"
                        + new String(answer.body(), StandardCharsets.UTF_8));
                if (answer.statusCode() >= 400) {
                    assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse(""), what);
                    assertEquals(0, written, "a refused request wrote " + written + " record(s): " + what);
                } else {
                    assertEquals(acknowledged(target, answer), written, "acknowledged and written differ: " + what);
                }
                outcomes.add(String.valueOf(answer.statusCode()));
            }
        }
        final Http http = new Http(app.httpUrl());
        assertEquals(202, http.post("/v1/sessions/after-fuzz/events", "{\"id\":\"f1\",\"correlation_id\":\"c\",\"type\":\"custom\","
                + "\"source\":\"user\",\"data\":{},\"created_at\":1}").status());
        http.awaitGet("/v1/sessions/after-fuzz/events", a -> a.status() == 200 && a.body().get("data").size() == 1,
                Duration.ofSeconds(30));
        System.out.println("HttpFuzzIT: " + REQUESTS + " mutated requests, answers by status: "
                + outcomes.stream().collect(java.util.stream.Collectors.groupingBy(s -> s, java.util.TreeMap::new,
                java.util.stream.Collectors.counting())));
    }

    @Test
    void readsWithHostileParametersNeverFailTheServer() throws Exception {
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        final Random random = new Random(3);
        final List<String> values = List.of("", "-1", "0", "1", "9223372036854775807", "9223372036854775808", "1e3", "abc",
                "%00", "%FF", "%E2%80%AE", "x".repeat(5_000), "true", "maybe", "message,tool", "%2C%2C", "null");
        final List<String> readPaths = List.of("/v1/sessions", "/v1/sessions/{id}", "/v1/sessions/{id}/events",
                "/v1/sessions/{id}/events/{id}", "/v1/correlations/{id}", "/v1/instances");
        final List<String> parameters = List.of("min_offset", "limit", "types", "source", "correlation_id", "correlation_root",
                "include_deleted", "cursor", "agent_id", "user_id", "include", "root", "allow_stale", "scope");
        final java.util.Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        for (int i = 0; i < 300; i++) {
            String path = readPaths.get(random.nextInt(readPaths.size()));
            while (path.contains("{id}")) {
                path = path.replaceFirst("\\{id}", PATH_IDS.get(random.nextInt(PATH_IDS.size())));
            }
            final StringBuilder query = new StringBuilder();
            for (int p = random.nextInt(4); p > 0; p--) {
                query.append(query.length() == 0 ? "?" : "&").append(parameters.get(random.nextInt(parameters.size())))
                        .append('=').append(values.get(random.nextInt(values.size())));
            }
            if (random.nextInt(10) == 0) {
                query.append(query.length() == 0 ? "?" : "&").append("wait_for_data=").append(random.nextInt(2));
            }
            final HttpResponse<byte[]> answer = client.send(HttpRequest.newBuilder(URI.create(app.httpUrl() + path + query))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertTrue(answer.statusCode() < 500 || answer.statusCode() == 504, answer.statusCode() + " for GET " + path + query
                    + "\n" + new String(answer.body(), StandardCharsets.UTF_8));
            if (answer.statusCode() >= 400) {
                assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse(""), path + query);
            }
            statuses.merge(answer.statusCode(), 1, Integer::sum);
        }
        System.out.println("HttpFuzzIT: 300 reads with hostile parameters, answers by status: " + statuses);
    }

    private record Target(String method, String path, byte[] valid, boolean inkeep) {
    }

    private static Target target(final Random random) {
        final String id = PATH_IDS.get(random.nextInt(PATH_IDS.size()));
        return switch (random.nextInt(6)) {
            case 0, 1 -> new Target("POST", "/v1/sessions/" + id + "/events", fixture("E", random), false);
            case 2 -> new Target("POST", "/v1/syllable/events", fixture("Y", random), false);
            case 3 -> new Target("POST", "/v1/inkeep/events", fixture("K", random), true);
            case 4 -> new Target("PATCH", "/v1/sessions/" + id, "{\"consumption_offsets\":{\"client\":3},\"title\":\"t\"}"
                    .getBytes(StandardCharsets.UTF_8), false);
            default -> new Target("POST", "/v1/bulk?format=" + URLEncoder.encode("E", StandardCharsets.UTF_8),
                    ("{\"session_id\":\"" + "bulk-" + random.nextInt(5) + "\",\"id\":\"b" + random.nextInt(1000)
                            + "\",\"correlation_id\":\"c\",\"type\":\"custom\",\"source\":\"system\",\"data\":{},\"created_at\":1}")
                            .getBytes(StandardCharsets.UTF_8), false);
        };
    }

    private static byte[] fixture(final String format, final Random random) {
        final List<Path> files = Fixtures.files(format);
        return Fixtures.bytes(files.get(random.nextInt(files.size())));
    }

    /** The records a 2xx answer acknowledged: its {@code accepted} count, or for Inkeep the events it returned. */
    private static long acknowledged(final Target target, final HttpResponse<byte[]> answer) throws Exception {
        final JsonNode body = JSON.readTree(answer.body());
        if (target.inkeep()) {
            return body.isArray() ? body.size() : 1;
        }
        return body.get("accepted").asLong();
    }

    private static long endOffsets(final KafkaConsumer<byte[], byte[]> consumer, final List<TopicPartition> partitions) {
        return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
}
