package io.sessionlog.processor;

import java.util.Map;

import io.sessionlog.streams.DeletedEntriesBound;
import io.sessionlog.streams.StoreCompression;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.HashLinkedListMemTableConfig;
import org.rocksdb.Options;

/**
 * RocksDB options of the processor's stores, from where the stamper's time went (profiled with native frames).
 *
 * <p>The events and chains stores' lookups mostly miss: every new event asks whether its id was seen (almost never),
 * and a chain lookup asks for a root not stored yet. Kafka Streams tunes its stores for hits
 * ({@code optimize_filters_for_hits}, no bloom filter on the bottommost level, where with universal compaction most
 * keys end up), so each such miss read an index and a data block. Bloom filters on
 * every level and on the memtables answer a miss without reading a block.
 *
 * <p>The session-state store is written once per event, always for a key it already holds (one per session), and is
 * only ever read by key: nothing scans it. Kafka Streams' default skiplist memtable made each write a search through
 * every version of every session in the memtable. A hashed
 * memtable keyed by the whole session key (up to {@value #SESSION_KEY_PREFIX_BYTES} bytes; longer keys share
 * a bucket, still correct) finds the session's bucket directly (decision record 0005). Hashed memtables
 * do not take concurrent writes, which a store written by one stream thread never makes.
 *
 * <p>Every store's files are LZ4-compressed ({@link StoreCompression}), and deleted entries leave them within the
 * changelogs' compaction bound ({@link DeletedEntriesBound}).
 */
public final class ProcessorRocksDbOptions implements RocksDBConfigSetter {

    /** The collector marking delete-dense files for compaction (one setter per store): freed at close. */
    private org.rocksdb.TablePropertiesCollectorFactory deletions;

    /** Memtable bloom filter size, as a fraction of the write buffer (RocksDB's suggestion is 0.1 or less). */
    private static final double MEMTABLE_BLOOM_RATIO = 0.1;
    /** Bytes of a session-state key that pick its memtable bucket: all of any session key seen in practice. */
    static final int SESSION_KEY_PREFIX_BYTES = 128;

    @Override
    public void setConfig(final String storeName, final Options options, final Map<String, Object> configs) {
        StoreCompression.apply(options);
        deletions = DeletedEntriesBound.apply(options, configs);
        if (ProcessorNames.SESSIONS_STORE.equals(storeName)) {
            options.useCappedPrefixExtractor(SESSION_KEY_PREFIX_BYTES);
            options.setMemTableConfig(new HashLinkedListMemTableConfig());
            options.setAllowConcurrentMemtableWrite(false);
        } else if (ProcessorNames.EVENTS_STORE.equals(storeName) || ProcessorNames.CHAINS_STORE.equals(storeName)) {
            options.setOptimizeFiltersForHits(false);
            options.setMemtableWholeKeyFiltering(true);
            options.setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO);
        }
    }

    @Override
    public void close(final String storeName, final Options options) {
        // The rest are plain values copied into the options.
        if (deletions != null) {
            deletions.close();
        }
    }
}
