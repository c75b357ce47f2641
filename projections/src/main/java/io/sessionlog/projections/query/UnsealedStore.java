package io.sessionlog.projections.query;

import java.util.function.UnaryOperator;

import io.sessionlog.privacy.Unsealer;
import io.sessionlog.projections.ProjectionNames;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A read-only store whose values are opened as they are read (privacy.encryption): the read models keep events and
 * views sealed, as they arrive on the topics, and every query sees them plain. Each value read is a fresh copy of the
 * stored bytes, so opening it in place changes nothing stored.
 */
public final class UnsealedStore<K, V> implements ReadOnlyKeyValueStore<K, V> {

    private final ReadOnlyKeyValueStore<K, V> store;
    private final UnaryOperator<V> open;

    private UnsealedStore(final ReadOnlyKeyValueStore<K, V> store, final UnaryOperator<V> open) {
        this.store = store;
        this.open = open;
    }

    /** {@code store} as queries read it: opened when it is the events or the sessions store and there is an unsealer. */
    @SuppressWarnings("unchecked")
    public static <K, V> ReadOnlyKeyValueStore<K, V> of(final String name, final ReadOnlyKeyValueStore<K, V> store,
                                                        final Unsealer unsealer) {
        if (unsealer == null) {
            return store;
        }
        return switch (name) {
            case ProjectionNames.EVENTS_STORE -> new UnsealedStore<>(store, value -> (V) unsealer.open((StampedEvent) value));
            case ProjectionNames.SESSIONS_STORE -> new UnsealedStore<>(store, value -> (V) unsealer.open((SessionView) value));
            default -> store;
        };
    }

    @Override
    public V get(final K key) {
        return open.apply(store.get(key));
    }

    @Override
    public KeyValueIterator<K, V> range(final K from, final K to) {
        return opened(store.range(from, to));
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(final K from, final K to) {
        return opened(store.reverseRange(from, to));
    }

    @Override
    public KeyValueIterator<K, V> all() {
        return opened(store.all());
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        return opened(store.reverseAll());
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(final P prefix, final PS prefixKeySerializer) {
        return opened(store.prefixScan(prefix, prefixKeySerializer));
    }

    @Override
    public long approximateNumEntries() {
        return store.approximateNumEntries();
    }

    private KeyValueIterator<K, V> opened(final KeyValueIterator<K, V> iterator) {
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return iterator.hasNext();
            }

            @Override
            public KeyValue<K, V> next() {
                final KeyValue<K, V> next = iterator.next();
                return KeyValue.pair(next.key, open.apply(next.value));
            }

            @Override
            public void close() {
                iterator.close();
            }

            @Override
            public K peekNextKey() {
                return iterator.peekNextKey();
            }
        };
    }
}
