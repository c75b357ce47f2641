package io.sessionlog.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

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
    void theSessionStateStoreGetsAMemtableHashedBySessionKey() {
        try (Options options = new Options().setOptimizeFiltersForHits(true)) {
            new ProcessorRocksDbOptions().setConfig(ProcessorNames.SESSIONS_STORE, options, Map.of());
            assertEquals("HashLinkedListRepFactory", options.memTableFactoryName());
            assertFalse(options.allowConcurrentMemtableWrite());
            assertTrue(options.optimizeFiltersForHits(), "its lookups hit: Kafka Streams' filter setting stays");
            assertEquals(0.0, options.memtablePrefixBloomSizeRatio());
        }
    }

    /** The session-state store's access pattern: each session's view written again and again, read by key. */
    @Test
    void withTheseOptionsTheSessionStateStoreReadsEachSessionsLatestViewBeforeAndAfterAFlushAndAReopen(
            @TempDir final Path dir) throws RocksDBException {
        final String longKey = "s".repeat(ProcessorRocksDbOptions.SESSION_KEY_PREFIX_BYTES + 10);
        final List<String> keys = List.of("s1", "s10", "s1:a", longKey, longKey + "b");
        try (Options options = new Options().setCreateIfMissing(true)) {
            new ProcessorRocksDbOptions().setConfig(ProcessorNames.SESSIONS_STORE, options, Map.of());
            try (RocksDB db = RocksDB.open(options, dir.toString())) {
                for (int version = 0; version < 300; version++) {
                    for (final String key : keys) {
                        db.put(bytes(key), bytes(key + "@" + version));
                    }
                }
                assertLatest(db, keys, "@299");
                assertNull(db.get(bytes("s2")));
                try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                    db.flush(flush);
                }
                db.put(bytes("s1"), bytes("s1@300"));
                assertEquals("s1@300", new String(db.get(bytes("s1")), StandardCharsets.UTF_8));
            }
            try (RocksDB db = RocksDB.open(options, dir.toString())) {
                assertEquals("s1@300", new String(db.get(bytes("s1")), StandardCharsets.UTF_8));
                assertLatest(db, keys.subList(1, keys.size()), "@299");
            }
        }
    }

    private static void assertLatest(final RocksDB db, final List<String> keys, final String version) throws RocksDBException {
        for (final String key : keys) {
            assertEquals(key + version, new String(db.get(bytes(key)), StandardCharsets.UTF_8), key);
        }
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
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
