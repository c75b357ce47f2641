package io.sessionlog.projections;

import java.util.Map;

import io.sessionlog.streams.DeletedEntriesBound;
import io.sessionlog.streams.StoreCompression;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/**
 * RocksDB options of the read models' stores: Kafka Streams' own, with the files LZ4-compressed ({@link StoreCompression})
 * and deleted entries gone from the files within the changelogs' compaction bound ({@link DeletedEntriesBound}).
 */
public final class ProjectionsRocksDbOptions implements RocksDBConfigSetter {

    /** The collector marking delete-dense files for compaction (one setter per store): freed at close. */
    private org.rocksdb.TablePropertiesCollectorFactory deletions;

    @Override
    public void setConfig(final String storeName, final Options options, final Map<String, Object> configs) {
        StoreCompression.apply(options);
        deletions = DeletedEntriesBound.apply(options, configs);
    }

    @Override
    public void close(final String storeName, final Options options) {
        // The rest are plain values copied into the options.
        if (deletions != null) {
            deletions.close();
        }
    }
}
