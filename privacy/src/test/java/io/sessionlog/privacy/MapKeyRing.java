package io.sessionlog.privacy;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import javax.crypto.SecretKey;

/** Session keys in a map: one per session, created on first use; {@link #destroy} is a tombstone on the keys topic. */
final class MapKeyRing implements KeyRing {

    private final Map<KeyRef, SecretKey> keys = new HashMap<>();
    private final Map<String, SessionKey> sealing = new HashMap<>();

    @Override
    public Map<String, SessionKey> sealingKeys(final Collection<String> sessions, final Duration timeout) {
        final Map<String, SessionKey> chosen = new HashMap<>();
        for (final String session : sessions) {
            chosen.put(session, sealing.computeIfAbsent(session, s -> {
                final SessionKey key = new SessionKey(KeyRef.fresh(s), SessionKeys.newKey());
                keys.put(key.ref(), key.secret());
                return key;
            }));
        }
        return chosen;
    }

    @Override
    public Optional<SecretKey> find(final KeyRef ref) {
        return Optional.ofNullable(keys.get(ref));
    }

    @Override
    public void retire(final String session) {
        sealing.remove(session);
    }

    void destroy(final String session) {
        keys.keySet().removeIf(ref -> ref.session().equals(session));
        sealing.remove(session);
    }
}
