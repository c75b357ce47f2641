package io.sessionlog.privacy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.apache.kafka.common.config.ConfigException;

/**
 * The master keys that wrap session keys at rest on the keys topic. The first is current: it wraps every new session
 * key. The others only unwrap the session keys they wrapped, so a master key can be rotated without rewriting the topic
 * (docs/privacy.md). A wrapped key is {@code v1:<master id>:<base64 of nonce, ciphertext and tag>}, bound to its
 * {@code session/key_id} as associated data so that it cannot be moved to another session.
 */
public final class MasterKeys {

    private static final String VERSION = "v1";
    private final Map<String, SecretKey> byId;
    private final String currentId;

    private MasterKeys(final Map<String, SecretKey> byId, final String currentId) {
        this.byId = byId;
        this.currentId = currentId;
    }

    /** Parses {@code id:base64} entries, the first current; a malformed entry fails naming {@code key}. */
    static MasterKeys parse(final String key, final String[] entries) {
        final Map<String, SecretKey> byId = new LinkedHashMap<>();
        for (final String raw : entries) {
            final String entry = raw.strip();
            final int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new ConfigException(key, "(hidden)", "each master key is id:base64, and one is not");
            }
            final String id = entry.substring(0, colon);
            if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new ConfigException(key, "(hidden)", "master key id '" + id + "' must be 1 to 64 of A-Z a-z 0-9 . _ -");
            }
            final byte[] material;
            try {
                material = Base64.getDecoder().decode(entry.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, "(hidden)", "master key '" + id + "' is not base64");
            }
            if (material.length != 32) {
                throw new ConfigException(key, "(hidden)", "master key '" + id + "' has " + material.length
                        + " bytes; AES-256 needs 32 (openssl rand -base64 32)");
            }
            if (byId.put(id, new SecretKeySpec(material, "AES")) != null) {
                throw new ConfigException(key, "(hidden)", "master key id '" + id + "' is given twice");
            }
        }
        if (byId.isEmpty()) {
            throw new ConfigException(key, "(hidden)", "no master key given");
        }
        return new MasterKeys(byId, byId.keySet().iterator().next());
    }

    /** One master key, for tests and tools: {@code id} with the given 32 bytes. */
    public static MasterKeys of(final String id, final byte[] material) {
        return parse("master key", new String[] {id + ":" + Base64.getEncoder().encodeToString(material)});
    }

    public String currentId() {
        return currentId;
    }

    /** {@code key} wrapped with the current master key, bound to {@code ref}. */
    String wrap(final KeyRef ref, final SecretKey key) {
        final byte[] sealed = ContentCipher.seal(byId.get(currentId), ref.topicKey().getBytes(StandardCharsets.UTF_8), key.getEncoded());
        return VERSION + ":" + currentId + ":" + Base64.getEncoder().encodeToString(sealed);
    }

    /** The session key a {@link #wrap} gave; fails when its master key is not configured or it was not wrapped for {@code ref}. */
    SecretKey unwrap(final KeyRef ref, final String wrapped) throws GeneralSecurityException {
        final String[] parts = wrapped.split(":", 3);
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
            throw new GeneralSecurityException("unknown wrapped key format");
        }
        final SecretKey master = byId.get(parts[1]);
        if (master == null) {
            throw new GeneralSecurityException("master key '" + parts[1] + "' is not configured (" + PrivacyConfig.MASTER_KEYS + ")");
        }
        final byte[] material = ContentCipher.open(master, ref.topicKey().getBytes(StandardCharsets.UTF_8),
                Base64.getDecoder().decode(parts[2]));
        return new SecretKeySpec(material, "AES");
    }

    /** Whether {@code wrapped} was wrapped with a master key other than the current one. */
    boolean wrappedWithOlder(final String wrapped) {
        return !wrapped.startsWith(VERSION + ":" + currentId + ":");
    }
}
