package io.sessionlog.benchmarks;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

import io.sessionlog.privacy.KeyRef;
import io.sessionlog.privacy.KeyRing;

/**
 * One AES key per session in memory, for benchmarks that write sealed intents straight to the raw topic: the processor
 * never opens content, so it needs no keys topic, only records of the sealed shape and size.
 */
final class InMemoryKeys implements KeyRing {

    private final Map<String, SessionKey> keys = new ConcurrentHashMap<>();
    private final KeyGenerator generator;

    InMemoryKeys() {
        try {
            generator = KeyGenerator.getInstance("AES");
            generator.init(256);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, SessionKey> sealingKeys(final Collection<String> sessions, final Duration timeout) {
        final Map<String, SessionKey> chosen = new HashMap<>();
        sessions.forEach(session -> chosen.put(session, keys.computeIfAbsent(session, s -> {
            synchronized (generator) {
                return new SessionKey(new KeyRef(s, "bench"), generator.generateKey());
            }
        })));
        return chosen;
    }

    @Override
    public Optional<SecretKey> find(final KeyRef ref) {
        return Optional.ofNullable(keys.get(ref.session())).map(SessionKey::secret);
    }

    @Override
    public void retire(final String session) {
        keys.remove(session);
    }
}
