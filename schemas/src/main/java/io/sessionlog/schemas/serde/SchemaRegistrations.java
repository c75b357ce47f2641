package io.sessionlog.schemas.serde;

import java.util.Map;

import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.registry.SchemaRegistryClient;
import io.sessionlog.schemas.registry.SchemaRegistryClients;
import io.sessionlog.schemas.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;

/**
 * Registers (or, without {@code auto.register.schemas}, looks up) the value schemas a role writes, at its start: an
 * incompatible or missing schema then stops the start with the subject's name instead of failing the first request,
 * and the first records do not pay for the registry round trips.
 */
public final class SchemaRegistrations {

    private SchemaRegistrations() {
    }

    /** @param schemasByTopic the value schema written to each topic */
    public static void ensure(final Map<String, Object> serdeConfig, final Map<String, Schema> schemasByTopic) {
        final AvroSerdeConfig config = AvroSerdeConfig.from(serdeConfig);
        if (config.useLatestVersion()) {
            return;
        }
        final SchemaRegistryClient registry = SchemaRegistryClients.forUrl(config.url(), config.credentialsSource(), config.userInfo());
        schemasByTopic.forEach((topic, schema) -> {
            final String subject = Topics.subject(topic, false);
            try {
                if (config.autoRegister()) {
                    registry.register(subject, schema);
                } else {
                    registry.lookup(subject, schema);
                }
            } catch (SchemaRegistryException e) {
                throw new ConfigException("schema registry " + config.url() + " refused " + schema.getFullName()
                        + " for subject " + subject + ": " + e.getMessage());
            }
        });
    }
}
