package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.sessionlog.embedded.EmbeddedKafkaCluster;
import io.sessionlog.testsupport.SharedKafkaCluster;
import io.sessionlog.testsupport.TestCertificates;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * sessionlog as it runs in production: on a broker that accepts only SASL_SSL (SCRAM-SHA-512 over TLS), configured
 * with the {@code kafka.*} settings the README documents, and serving its HTTP API over TLS with API keys.
 */
@ExtendWith(SharedKafkaCluster.class)
class SecurityIT {

    private static final String EVENT = "{\"id\":\"sec-1\",\"correlation_id\":\"c\",\"type\":\"custom\",\"source\":\"user\","
            + "\"data\":{\"secret\":false},\"created_at\":\"2025-01-29T09:27:41Z\"}";

    @Test
    void joinsABrokerThatAcceptsOnlySaslSslAndStampsEvents() throws Exception {
        final Path dir = SharedKafkaCluster.newTestDir("sasl-ssl");
        final TestCertificates certificates = TestCertificates.create(dir.resolve("tls"));
        final String brokerPassword = "broker-" + System.nanoTime();
        final String clientPassword = "client-" + System.nanoTime();
        final Map<String, String> client = Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", jaas("sessionlog", clientPassword),
                "ssl.truststore.location", certificates.truststore().toString(),
                "ssl.truststore.password", certificates.password(),
                "ssl.truststore.type", "PKCS12");
        final EmbeddedKafkaCluster.Builder broker = EmbeddedKafkaCluster.builder(dir.resolve("kafka"))
                .listenerProtocol("SASL_SSL")
                .scramUser("SCRAM-SHA-512", "broker", brokerPassword)
                .scramUser("SCRAM-SHA-512", "sessionlog", clientPassword)
                .brokerConfig("sasl.enabled.mechanisms", "SCRAM-SHA-512")
                .brokerConfig("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512")
                .brokerConfig("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas("broker", brokerPassword))
                .brokerConfig("ssl.keystore.location", certificates.keystore().toString())
                .brokerConfig("ssl.keystore.password", certificates.password())
                .brokerConfig("ssl.keystore.type", "PKCS12")
                .brokerConfig("ssl.truststore.location", certificates.truststore().toString())
                .brokerConfig("ssl.truststore.password", certificates.password())
                .brokerConfig("ssl.truststore.type", "PKCS12");
        client.forEach(broker::clientConfig);
        try (EmbeddedKafkaCluster cluster = broker.build().start(Duration.ofSeconds(60))) {
            assertPlaintextRefused(cluster.bootstrapServers());
            final Map<String, String> settings = settings("sasl-" + System.nanoTime() + ".", dir);
            settings.put("kafka.bootstrap.servers", cluster.bootstrapServers());
            client.forEach((key, value) -> settings.put("kafka." + key, value));
            try (Sessionlog app = Sessionlog.start(settings)) {
                Awaitility.await("ready").atMost(Duration.ofSeconds(60)).until(app::ready);
                final Http http = new Http(app.httpUrl());
                assertEquals(202, http.post("/v1/sessions/secure/events", EVENT).status());
                final Http.Answer stamped = http.awaitGet("/v1/sessions/secure/events",
                        a -> a.status() == 200 && a.body().get("data").size() == 1, Duration.ofSeconds(30));
                assertEquals(0, stamped.body().get("data").get(0).get("offset").asInt());
            }
        }
    }

    @Test
    void servesTheApiOverTlsWithApiKeys() throws Exception {
        final Path dir = SharedKafkaCluster.newTestDir("https");
        final TestCertificates certificates = TestCertificates.create(dir.resolve("tls"));
        final Map<String, String> settings = settings("https-" + System.nanoTime() + ".", dir);
        settings.put("kafka.bootstrap.servers", SharedKafkaCluster.bootstrapServers());
        settings.put(AppConfig.HTTP_TLS_KEYSTORE_LOCATION, certificates.keystore().toString());
        settings.put(AppConfig.HTTP_TLS_KEYSTORE_PASSWORD, certificates.password());
        settings.put(AppConfig.API_KEYS, "w-key:write,r-key:read");
        settings.put(AppConfig.HTTP_CORS_ALLOWED_ORIGINS, "https://console.example");
        try (Sessionlog app = Sessionlog.start(settings)) {
            Awaitility.await("ready").atMost(Duration.ofSeconds(60)).until(app::ready);
            assertTrue(app.httpUrl().startsWith("https://"), app.httpUrl());
            final HttpClient https = HttpClient.newBuilder().sslContext(certificates.clientContext()).build();
            assertEquals(401, send(https, post(app.httpUrl(), null)).statusCode());
            assertEquals(202, send(https, post(app.httpUrl(), "w-key")).statusCode());
            Awaitility.await("stamped").atMost(Duration.ofSeconds(30)).until(() ->
                    send(https, get(app.httpUrl() + "/v1/sessions/tls/events", "r-key")).body().contains("\"offset\":0"));
            // The cluster's lag and rejected reasons are read data: the read scope, like every read route.
            assertEquals(401, send(https, HttpRequest.newBuilder(URI.create(app.httpUrl() + "/v1/cluster")).GET()).statusCode());
            assertEquals(403, send(https, get(app.httpUrl() + "/v1/cluster", "w-key")).statusCode());
            final HttpResponse<String> cluster = send(https, get(app.httpUrl() + "/v1/cluster", "r-key"));
            assertEquals(200, cluster.statusCode(), cluster.body());
            assertTrue(cluster.body().contains("\"lag\"") && cluster.body().contains("\"rejected\""), cluster.body());
            assertEquals("https://console.example", preflight(https, app.httpUrl(), "https://console.example"),
                    "a configured origin may call the API from a browser");
            assertEquals("", preflight(https, app.httpUrl(), "https://elsewhere.example"), "no other origin may");
            final URI plain = URI.create(app.httpUrl().replace("https://", "http://") + "/health/live");
            assertPlainHttpRefused(plain);
        }
    }

    /** The Access-Control-Allow-Origin a browser's preflight of a POST from {@code origin} gets ("" for none). */
    static String preflight(final HttpClient client, final String base, final String origin) throws Exception {
        final HttpResponse<String> answer = send(client, HttpRequest.newBuilder(URI.create(base + "/v1/sessions/tls/events"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type"));
        return answer.headers().firstValue("Access-Control-Allow-Origin").orElse("");
    }

    private static void assertPlaintextRefused(final String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000))) {
            final var nodes = admin.describeCluster().nodes();
            try {
                nodes.get();
                throw new AssertionError("a PLAINTEXT client reached the SASL_SSL-only broker");
            } catch (java.util.concurrent.ExecutionException expected) {
                // Timed out: the broker speaks no plaintext.
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void assertPlainHttpRefused(final URI plain) throws InterruptedException {
        try {
            final HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(plain)
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(answer.statusCode() >= 400, "plain HTTP answered " + answer.statusCode());
        } catch (IOException refused) {
            // The TLS connector does not speak plain HTTP.
        }
    }

    private static Map<String, String> settings(final String prefix, final Path dir) {
        final Map<String, String> settings = new HashMap<>();
        settings.put(AppConfig.ROLES, "ingest,processor,projections,registry");
        settings.put("registry.port", "0");
        settings.put("registry.topic", prefix + "_schemas");
        settings.put(AppConfig.HTTP_PORT, "0");
        settings.put(AppConfig.DATA_DIR, dir.resolve("app").toString());
        settings.put("topic.prefix", prefix);
        settings.put("topic.partitions", "2");
        settings.put("processor.application.id", prefix + "processor");
        settings.put("projections.application.id", prefix + "projections");
        return settings;
    }

    private static String jaas(final String user, final String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    private static HttpRequest.Builder post(final String base, final String key) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/v1/sessions/tls/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(EVENT));
        return key == null ? request : request.header("Authorization", "Bearer " + key);
    }

    private static HttpRequest.Builder get(final String url, final String key) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key).GET();
    }

    private static HttpResponse<String> send(final HttpClient client, final HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
