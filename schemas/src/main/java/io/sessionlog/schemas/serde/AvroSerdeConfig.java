package io.sessionlog.schemas.serde;

import java.util.Map;

import io.sessionlog.schemas.ClusterConfig;
import org.apache.kafka.common.config.ConfigException;

/** The serde settings under Confluent's own keys, read from a Kafka client's configuration map. */
record AvroSerdeConfig(String url, boolean autoRegister, boolean useLatestVersion,
                       String credentialsSource, String userInfo) {

    static AvroSerdeConfig from(final Map<String, ?> configs) {
        final Object url = configs.get(ClusterConfig.SCHEMA_REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new ConfigException(ClusterConfig.SCHEMA_REGISTRY_URL, url, "is required by the Avro serde");
        }
        return new AvroSerdeConfig(url.toString(),
                bool(configs, ClusterConfig.AUTO_REGISTER_SCHEMAS, true),
                bool(configs, ClusterConfig.USE_LATEST_VERSION, false),
                string(configs, ClusterConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO"),
                string(configs, ClusterConfig.BASIC_AUTH_USER_INFO, ""));
    }

    private static boolean bool(final Map<String, ?> configs, final String key, final boolean fallback) {
        final Object value = configs.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        final String text = value.toString().trim();
        if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
            throw new ConfigException(key, value, "must be true or false");
        }
        return Boolean.parseBoolean(text);
    }

    private static String string(final Map<String, ?> configs, final String key, final String fallback) {
        final Object value = configs.get(key);
        return value == null ? fallback : value.toString();
    }
}
