package io.sessionlog.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;

import javax.crypto.spec.SecretKeySpec;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Master keys: wrong values fail naming the key; wrapped keys are bound to their place and survive a rotation. */
class MasterKeysTest {

    private static final String OLD = "old:" + Base64.getEncoder().encodeToString(new byte[32]);
    private static final String NEW = "new:" + Base64.getEncoder().encodeToString(filled(7));

    @Test
    void encryptionWithoutAMasterKeyFailsNamingTheKey() {
        final ConfigException e = assertThrows(ConfigException.class,
                () -> PrivacyConfig.masterKeys(Map.of(PrivacyConfig.ENCRYPTION, "true")));
        assertTrue(e.getMessage().contains(PrivacyConfig.MASTER_KEYS), e.getMessage());
        assertTrue(PrivacyConfig.masterKeys(Map.of()).isEmpty(), "off by default");
    }

    @Test
    void aMalformedMasterKeyFailsSayingWhy() {
        final ConfigException shortKey = assertThrows(ConfigException.class, () -> PrivacyConfig.masterKeys(Map.of(
                PrivacyConfig.ENCRYPTION, "true", PrivacyConfig.MASTER_KEYS, "k1:" + Base64.getEncoder().encodeToString(new byte[16]))));
        assertTrue(shortKey.getMessage().contains(PrivacyConfig.MASTER_KEYS) && shortKey.getMessage().contains("32"), shortKey.getMessage());
        final ConfigException noId = assertThrows(ConfigException.class, () -> PrivacyConfig.masterKeys(Map.of(
                PrivacyConfig.ENCRYPTION, "true", PrivacyConfig.MASTER_KEYS, Base64.getEncoder().encodeToString(new byte[32]))));
        assertTrue(noId.getMessage().contains("id:base64"), noId.getMessage());
    }

    @Test
    void aKeyWrappedBeforeARotationStillUnwrapsWhileItsMasterKeyIsListed() throws Exception {
        final MasterKeys before = PrivacyConfig.masterKeys(Map.of(PrivacyConfig.ENCRYPTION, "true", PrivacyConfig.MASTER_KEYS, OLD)).orElseThrow();
        final MasterKeys after = PrivacyConfig.masterKeys(Map.of(PrivacyConfig.ENCRYPTION, "true", PrivacyConfig.MASTER_KEYS, NEW + "," + OLD)).orElseThrow();
        final KeyRef ref = new KeyRef("session/with/slashes", "k1");
        final SecretKeySpec key = new SecretKeySpec(filled(3), "AES");
        final String wrapped = before.wrap(ref, key);

        assertEquals("new", after.currentId());
        assertArrayEquals(key.getEncoded(), after.unwrap(ref, wrapped).getEncoded());
        assertTrue(after.wrappedWithOlder(wrapped));
        assertThrows(GeneralSecurityException.class, () -> after.unwrap(new KeyRef("another", "k1"), wrapped),
                "a wrapped key is bound to its session and id");
        final MasterKeys withoutOld = PrivacyConfig.masterKeys(Map.of(PrivacyConfig.ENCRYPTION, "true", PrivacyConfig.MASTER_KEYS, NEW)).orElseThrow();
        assertThrows(GeneralSecurityException.class, () -> withoutOld.unwrap(ref, wrapped));
    }

    @Test
    void aKeyRefSplitsAtItsLastSlashAndGoesToItsSessionsPartition() {
        final KeyRef ref = KeyRef.parse("a/b/c/k1");
        assertEquals(new KeyRef("a/b/c", "k1"), ref);
        assertEquals(null, KeyRef.parse("no-slash"));
        // Where the producer's default partitioner puts the session's own records (events.raw, events, sessions).
        for (final String session : new String[] {"zv3h4j5Fjv", "call-7", "conv-42", "é-ünïcode"}) {
            assertEquals(org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(
                    session.getBytes(java.nio.charset.StandardCharsets.UTF_8), 6), KeyRef.partitionOf(session, 6), session);
        }
    }

    private static byte[] filled(final int value) {
        final byte[] bytes = new byte[32];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
