package io.sessionlog.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class ProcessorRocksDbOptionsTest {

    static {
        RocksDB.loadLibrary();
    }

    @Test
    void storesWhoseLookupsMissGetBloomFiltersOnEveryLevelAndTheirMemtables() {
        for (final String store : new String[] {ProcessorNames.EVENTS_STORE, ProcessorNames.CHAINS_STORE}) {
            try (Options options = new Options().setOptimizeFiltersForHits(true)) {
                new ProcessorRocksDbOptions().setConfig(store, options, Map.of());
                assertFalse(options.optimizeFiltersForHits(), store);
                assertTrue(options.memtableWholeKeyFiltering(), store);
                assertTrue(options.memtablePrefixBloomSizeRatio() > 0, store);
            }
        }
    }

    @Test
    void theSessionStateStoreKeepsKafkaStreamsOptions() {
        try (Options options = new Options().setOptimizeFiltersForHits(true)) {
            new ProcessorRocksDbOptions().setConfig(ProcessorNames.SESSIONS_STORE, options, Map.of());
            assertTrue(options.optimizeFiltersForHits());
            assertEquals(0.0, options.memtablePrefixBloomSizeRatio());
        }
    }

    @Test
    void theProcessorUsesTheseOptionsUnlessTheUserSetsAConfigSetter() {
        final Object byDefault = new ProcessorConfig(Map.of()).streamsProperties()
                .get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG);
        assertEquals(ProcessorRocksDbOptions.class, byDefault);
        final Object own = new ProcessorConfig(Map.of("kafka." + StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, "com.example.Own"))
                .streamsProperties().get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG);
        assertEquals("com.example.Own", own);
    }
}
