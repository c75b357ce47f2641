package io.sessionlog.privacy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The keys of crypto-shredding (docs/privacy.md), shared by every role that seals or unseals content: ingest, the
 * projections, and a consumer's unsealing deserializer. Off by default, so the default stays plain Avro.
 */
public final class PrivacyConfig {

    public static final String ENCRYPTION = "privacy.encryption";
    public static final String MASTER_KEYS = "privacy.master.keys";
    public static final String MASTER_KEYS_FILE = "privacy.master.keys.file";

    private PrivacyConfig() {
    }

    public static ConfigDef define(final ConfigDef def) {
        return def
                .define(ENCRYPTION, Type.BOOLEAN, false, Importance.HIGH,
                        "Seal what people wrote or said (event content, session titles, the producer's documents) with a key "
                        + "per session, kept on the keys topic; a hard delete or expiry destroys the key, so every copy of "
                        + "the content (topics, changelogs, backups, consumers' copies) becomes unreadable. Needs a master key.")
                .define(MASTER_KEYS, Type.PASSWORD, "", Importance.HIGH,
                        "The master keys that wrap the session keys: id:base64 of 32 random bytes, comma-separated, the "
                        + "first one current (it wraps new keys); the others unwrap the keys they wrapped (rotation).")
                .define(MASTER_KEYS_FILE, Type.STRING, "", Importance.HIGH,
                        "A file holding privacy.master.keys (one id:base64 per line, the first current), read at start; "
                        + "used when privacy.master.keys is empty.");
    }

    public static ConfigDef configDef() {
        return define(new ConfigDef());
    }

    /** {@link #masterKeys(AbstractConfig)} of raw settings, the privacy keys among them. */
    public static Optional<MasterKeys> masterKeys(final java.util.Map<String, ?> settings) {
        final ConfigDef def = configDef();
        final java.util.Map<String, Object> own = new java.util.HashMap<>();
        def.names().forEach(name -> {
            if (settings.containsKey(name)) {
                own.put(name, settings.get(name));
            }
        });
        return masterKeys(new AbstractConfig(def, own, false));
    }

    /**
     * The master keys when {@code privacy.encryption} is on, empty when off. Fails, naming the key, when encryption is
     * on without a master key or a master key is malformed.
     */
    public static Optional<MasterKeys> masterKeys(final AbstractConfig config) {
        if (!config.getBoolean(ENCRYPTION)) {
            return Optional.empty();
        }
        final Password inline = config.getPassword(MASTER_KEYS);
        if (inline != null && !inline.value().isBlank()) {
            return Optional.of(MasterKeys.parse(MASTER_KEYS, inline.value().split(",")));
        }
        final String file = config.getString(MASTER_KEYS_FILE);
        if (file.isBlank()) {
            throw new ConfigException(MASTER_KEYS, "(hidden)", ENCRYPTION + " is on but neither " + MASTER_KEYS + " nor "
                    + MASTER_KEYS_FILE + " gives a master key");
        }
        try {
            return Optional.of(MasterKeys.parse(MASTER_KEYS_FILE, Files.readString(Path.of(file), StandardCharsets.UTF_8)
                    .lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toArray(String[]::new)));
        } catch (IOException e) {
            throw new ConfigException(MASTER_KEYS_FILE, file, "cannot be read: " + e.getMessage());
        }
    }
}
