package io.sessionlog.privacy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import org.apache.kafka.common.utils.Utils;

/**
 * Where a session key sits on the keys topic: the record key {@code <session key>/<key id>} (a key id never holds a
 * {@code /}, so the last one splits), on the partition the session key itself goes to under Kafka's default
 * partitioner, as on every other topic: all of a session's keys are in one partition.
 */
public record KeyRef(String session, String keyId) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new key id: 8 random bytes, base64url without padding (11 characters). */
    static KeyRef fresh(final String session) {
        final byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        return new KeyRef(session, Base64.getUrlEncoder().withoutPadding().encodeToString(id));
    }

    public String topicKey() {
        return session + "/" + keyId;
    }

    /** The ref of a keys-topic record key; null when it is not one. */
    public static KeyRef parse(final String topicKey) {
        final int slash = topicKey == null ? -1 : topicKey.lastIndexOf('/');
        return slash <= 0 || slash == topicKey.length() - 1 ? null : new KeyRef(topicKey.substring(0, slash), topicKey.substring(slash + 1));
    }

    /** The partition of {@code session} among {@code partitions}: Kafka's default partitioner on the session key. */
    public static int partitionOf(final String session, final int partitions) {
        return Utils.toPositive(Utils.murmur2(session.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
