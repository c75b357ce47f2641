package io.sessionlog.app;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import io.sessionlog.ingest.IngestConfig;
import io.sessionlog.processor.ProcessorConfig;
import io.sessionlog.projections.ProjectionsConfig;
import io.sessionlog.registry.RegistryConfig;
import io.sessionlog.schemas.ClusterConfig;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where settings come from, later ones winning: a properties file, then environment variables
 * ({@code SESSIONLOG_HTTP_PORT} is {@code http.port}: drop the prefix, lower-case, {@code _} becomes {@code .}), then
 * command-line overrides. An unknown key fails the start with its name, so a typo is never silently ignored; keys
 * under {@code kafka.} pass through to the Kafka clients.
 */
public final class ConfigSource {

    public static final String ENV_PREFIX = "SESSIONLOG_";

    private ConfigSource() {
    }

    public static Map<String, String> load(final Optional<Path> file, final Map<String, String> env,
                                           final Map<String, String> overrides) {
        final Map<String, String> settings = new LinkedHashMap<>();
        final Map<String, String> origins = new LinkedHashMap<>();
        file.ifPresent(path -> readFile(path).forEach((key, value) -> {
            settings.put(key, value);
            origins.put(key, path.toString());
        }));
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                final String key = keyOf(name);
                settings.put(key, value);
                origins.put(key, "environment variable " + name);
            }
        });
        overrides.forEach((key, value) -> {
            settings.put(key, value);
            origins.put(key, "command line");
        });
        settings.keySet().forEach(key -> {
            if (!isKnown(key)) {
                throw new ConfigException("unknown configuration key '" + key + "' (from " + origins.get(key)
                        + "); known keys: " + knownKeys());
            }
        });
        return settings;
    }

    /** {@code SESSIONLOG_KAFKA_SASL_MECHANISM} → {@code kafka.sasl.mechanism}. */
    static String keyOf(final String environmentVariable) {
        return environmentVariable.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    static boolean isKnown(final String key) {
        return key.startsWith(ClusterConfig.KAFKA_CLIENT_PREFIX) || knownKeys().contains(key);
    }

    static Set<String> knownKeys() {
        final Set<String> keys = new TreeSet<>();
        keys.addAll(AppConfig.configDef().names());
        keys.addAll(IngestConfig.configDef().names());
        keys.addAll(ProcessorConfig.configDef().names());
        keys.addAll(ProjectionsConfig.configDef().names());
        keys.addAll(RegistryConfig.configDef().names());
        return keys;
    }

    private static Map<String, String> readFile(final Path path) {
        final Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration file " + path, e);
        }
        final Map<String, String> values = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(k -> values.put(k.trim(), props.getProperty(k).trim()));
        return values;
    }
}
