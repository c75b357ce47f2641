package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import io.sessionlog.ingest.IngestConfig;
import io.sessionlog.schemas.ClusterConfig;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourceTest {

    @TempDir
    Path dir;

    @Test
    void environmentVariablesMapOneToOneOntoKeysAndOverrideTheFile() throws Exception {
        final Path file = Files.writeString(dir.resolve("sessionlog.properties"), "http.port=9000\ntopic.prefix=a.\n");
        final Map<String, String> settings = ConfigSource.load(Optional.of(file),
                Map.of("SESSIONLOG_HTTP_PORT", "9100", "SESSIONLOG_KAFKA_SASL_MECHANISM", "PLAIN", "PATH", "/bin"),
                Map.of("roles", "ingest"));
        assertEquals("9100", settings.get("http.port"));
        assertEquals("a.", settings.get("topic.prefix"));
        assertEquals("ingest", settings.get("roles"));
        assertEquals("PLAIN", settings.get("kafka.sasl.mechanism"));
    }

    @Test
    void kafkaKeysPassThroughToTheClients() {
        final IngestConfig config = new IngestConfig(ConfigSource.load(Optional.empty(), Map.of(
                "SESSIONLOG_KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "SESSIONLOG_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"), Map.of()));
        final Map<String, Object> client = ClusterConfig.kafkaClientConfig(config);
        assertEquals("broker:9093", client.get("bootstrap.servers"));
        assertEquals("SASL_SSL", client.get("security.protocol"));
        assertEquals("all", config.producerConfig().get("acks"));
    }

    @Test
    void anUnknownKeyFailsNamingItAndWhereItCameFrom() {
        final ConfigException error = assertThrows(ConfigException.class,
                () -> ConfigSource.load(Optional.empty(), Map.of("SESSIONLOG_HTTP_PROT", "1"), Map.of()));
        assertTrue(error.getMessage().contains("'http.prot'"), error.getMessage());
        assertTrue(error.getMessage().contains("SESSIONLOG_HTTP_PROT"), error.getMessage());
    }

    @Test
    void aWrongValueFailsNamingTheKey() {
        final ConfigException port = assertThrows(ConfigException.class, () -> new AppConfig(Map.of("http.port", "eighty")));
        assertTrue(port.getMessage().contains("http.port"), port.getMessage());
        final ConfigException roles = assertThrows(ConfigException.class, () -> new AppConfig(Map.of("roles", "ingest,stamper")));
        assertTrue(roles.getMessage().contains("roles") && roles.getMessage().contains("stamper"), roles.getMessage());
        final ConfigException limit = assertThrows(ConfigException.class,
                () -> new IngestConfig(Map.of(IngestConfig.MAX_EVENT_BYTES, "-1")));
        assertTrue(limit.getMessage().contains(IngestConfig.MAX_EVENT_BYTES), limit.getMessage());
    }
}
