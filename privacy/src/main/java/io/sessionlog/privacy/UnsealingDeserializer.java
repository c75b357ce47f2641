package io.sessionlog.privacy;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

import io.sessionlog.schemas.ClusterConfig;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.serde.SpecificAvroDeserializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a record of an enriched topic and opens its sealed content with the session's key, for consumers of a
 * sessionlog that runs with {@code privacy.encryption} (docs/privacy.md). Configured in the consumer's own properties:
 * {@code schema.registry.url}, {@code privacy.master.keys} (or {@code privacy.master.keys.file}) and, when not the
 * default, {@code topic.prefix}; it follows the keys topic through the consumer's {@code bootstrap.servers} and
 * security settings. A record whose key is destroyed comes back with its content fields null and {@code sealed} set.
 * Without encryption it is the plain Avro deserializer.
 */
abstract class UnsealingDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    /** Consumer settings the keys topic's own consumer does not take over. */
    private static final java.util.Set<String> NOT_FOR_KEYS = java.util.Set.of("group.id", "group.instance.id",
            "key.deserializer", "value.deserializer", "client.id", "enable.auto.commit", "auto.offset.reset");

    private final SpecificAvroDeserializer<T> avro;
    private final BiConsumer<Unsealer, T> open;
    private SessionKeys keys;
    private Unsealer unsealer;

    UnsealingDeserializer(final Class<T> type, final BiConsumer<Unsealer, T> open) {
        this.avro = new SpecificAvroDeserializer<>(type);
        this.open = open;
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        avro.configure(configs, isKey);
        PrivacyConfig.masterKeys(configs).ifPresent(master -> {
            final Map<String, Object> client = new HashMap<>();
            configs.forEach((name, value) -> {
                if (!NOT_FOR_KEYS.contains(name) && !name.startsWith("privacy.")) {
                    client.put(name, value);
                }
            });
            final Object prefix = configs.get(ClusterConfig.TOPIC_PREFIX);
            keys = SessionKeys.forReading(client, new Topics(prefix == null ? Topics.DEFAULT_PREFIX : prefix.toString()).keys(), master);
            unsealer = new Unsealer(keys);
        });
    }

    @Override
    public T deserialize(final String topic, final byte[] data) {
        final T record = avro.deserialize(topic, data);
        if (record != null && unsealer != null) {
            open.accept(unsealer, record);
        }
        return record;
    }

    @Override
    public void close() {
        if (keys != null) {
            keys.close();
        }
    }
}
