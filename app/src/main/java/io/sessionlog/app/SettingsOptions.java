package io.sessionlog.app;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.sessionlog.schemas.ClusterConfig;
import picocli.CommandLine.Option;

/**
 * The settings options of the commands that reach a running sessionlog's cluster ({@code erasure-report}, {@code tail}):
 * the same sources as {@code run} (a file, {@code SESSIONLOG_*}, {@code -D}), so they read what it writes.
 */
public final class SettingsOptions {

    @Option(names = {"-c", "--config"}, description = "Properties file of the settings sessionlog runs with.")
    Path config;

    @Option(names = {"-D", "--set"}, description = "Set one key, e.g. -D kafka.bootstrap.servers=broker:9092.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** The settings, validated; throws ConfigException naming a wrong key. */
    public Map<String, String> settings() {
        return ConfigSource.load(Optional.ofNullable(config), System.getenv(), overrides);
    }

    /** The Kafka client settings of {@code app}: its cluster, or the embedded default's broker when it names none. */
    public static Map<String, Object> clientConfig(final AppConfig app) {
        final Map<String, Object> client = new HashMap<>(ClusterConfig.kafkaClientConfig(app));
        if (app.getString(ClusterConfig.BOOTSTRAP_SERVERS).isBlank()) {
            client.put("bootstrap.servers", "localhost:" + app.getInt(AppConfig.EMBEDDED_KAFKA_PORT));
        }
        return client;
    }
}
