package io.sessionlog.processor;

import java.util.ArrayList;
import java.util.List;

import io.sessionlog.schemas.keys.SessionEventIdKey;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The removal of one session's entries from a store keyed by (session, …): every such key starts with the session
 * key's length and bytes ({@link SessionEventIdKey#prefix}), so a session's entries are one prefix scan. Each removal
 * is a tombstone on the store's changelog, which compaction then applies (see docs/lifecycle.md).
 */
final class SessionErasure {

    private SessionErasure() {
    }

    /** Removes every entry of {@code session} from {@code store}; returns how many there were. */
    static int remove(final KeyValueStore<Bytes, ?> store, final String session) {
        final List<Bytes> keys = new ArrayList<>();
        // Collected first: a store's iterator is not to be used across writes to the same store.
        try (KeyValueIterator<Bytes, ?> all = store.prefixScan(SessionEventIdKey.prefix(session), Serdes.Bytes().serializer())) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        keys.forEach(store::delete);
        return keys.size();
    }
}
