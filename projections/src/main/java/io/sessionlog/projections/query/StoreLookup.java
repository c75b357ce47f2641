package io.sessionlog.projections.query;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * How queries reach one partition of a local store: through {@code KafkaStreams#store} in the app, directly in
 * TopologyTestDriver tests. Throws {@link org.apache.kafka.streams.errors.InvalidStateStoreException} while the store
 * is not queryable; a stale (standby or restoring) copy is read only when {@code allowStale}.
 */
@FunctionalInterface
public interface StoreLookup {

    <K, V> ReadOnlyKeyValueStore<K, V> keyValueStore(String name, int partition, boolean allowStale);

    /**
     * The partitions of {@code store} this instance holds active, each to be read on its own where order matters;
     * by default one whole store ({@code -1}, as a TopologyTestDriver holds it).
     */
    default java.util.List<Integer> localPartitions(final String store) {
        return java.util.List.of(-1);
    }
}
