package io.sessionlog.privacy;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import javax.crypto.SecretKey;

/**
 * Where sealing and opening find session keys: {@link SessionKeys} on the keys topic; a map in unit tests.
 */
public interface KeyRing {

    /** A key that seals: where it sits on the keys topic and its material. */
    record SessionKey(KeyRef ref, SecretKey secret) {
    }

    /** The key each of {@code sessions} is sealed with, created (and durable) where it had none. */
    Map<String, SessionKey> sealingKeys(Collection<String> sessions, Duration timeout);

    /** The key {@code ref} names, if it lives. */
    Optional<SecretKey> find(KeyRef ref);

    /**
     * {@link #find(KeyRef)} for content sealed by {@code sealedBy} at the latest (its record's ingest time): a key is
     * written before anything is sealed with it, so a key-ring that has read every key written since then knows at
     * once that a key it lacks is destroyed, without waiting to read the keys again.
     */
    default Optional<SecretKey> find(final KeyRef ref, final java.time.Instant sealedBy) {
        return find(ref);
    }

    /** Forgets the keys of a deleted session here: its next write is a new session with a new key. */
    void retire(String session);
}
