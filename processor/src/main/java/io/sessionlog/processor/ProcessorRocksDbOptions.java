package io.sessionlog.processor;

import java.util.Map;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/**
 * RocksDB options for the stores whose lookups mostly miss. Every new event asks the events store whether its id was
 * seen (almost never), and a chain lookup asks for a root not stored yet. Kafka Streams tunes its stores for hits
 * ({@code optimize_filters_for_hits}, no bloom filter on the bottommost level, where with universal compaction most
 * keys end up), so each such miss read an index and a data block: a tenth of the stamper's time (profiled, with
 * reads as a whole a third). Bloom filters on every level and on the memtables answer a miss without reading a block.
 */
public final class ProcessorRocksDbOptions implements RocksDBConfigSetter {

    /** Memtable bloom filter size, as a fraction of the write buffer (RocksDB's suggestion is 0.1 or less). */
    private static final double MEMTABLE_BLOOM_RATIO = 0.1;

    @Override
    public void setConfig(final String storeName, final Options options, final Map<String, Object> configs) {
        if (ProcessorNames.EVENTS_STORE.equals(storeName) || ProcessorNames.CHAINS_STORE.equals(storeName)) {
            options.setOptimizeFiltersForHits(false);
            options.setMemtableWholeKeyFiltering(true);
            options.setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO);
        }
    }

    @Override
    public void close(final String storeName, final Options options) {
        // Nothing allocated here: the options set are plain values.
    }
}
