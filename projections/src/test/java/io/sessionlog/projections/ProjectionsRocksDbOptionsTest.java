package io.sessionlog.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import io.sessionlog.streams.StoreCompression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/** The read models' stores are compressed: what they hold on disk is a fraction of what was written into them. */
class ProjectionsRocksDbOptionsTest {

    static {
        RocksDB.loadLibrary();
    }

    @Test
    void everyStoreIsLz4CompressedOnSixteenKilobyteBlocksKeepingKafkaStreamsTableSettings() {
        final BlockBasedTableConfig streams = new BlockBasedTableConfig().setCacheIndexAndFilterBlocks(true);
        try (Options options = new Options().setTableFormatConfig(streams)) {
            new ProjectionsRocksDbOptions().setConfig(ProjectionNames.EVENTS_STORE, options, Map.of());
            assertEquals(CompressionType.LZ4_COMPRESSION, options.compressionType());
            final BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
            assertEquals(StoreCompression.BLOCK_BYTES, table.blockSize());
            assertTrue(table.cacheIndexAndFilterBlocks(), "Kafka Streams' own table settings are kept");
        }
    }

    @Test
    void deletedEntriesLeaveTheFilesWithinTheChangelogsCompactionBound() {
        try (Options options = new Options()) {
            new ProjectionsRocksDbOptions().setConfig(ProjectionNames.EVENTS_STORE, options,
                    Map.of("topic.max.compaction.lag.ms", 3_600_000L));
            assertEquals(3_600, options.periodicCompactionSeconds(), "every file older than the bound is compacted again");
        }
    }

    @Test
    void eventsLikeTheOnesSentTakeAThirdOfTheirBytesOnDisk(@TempDir final Path dir) throws RocksDBException, IOException {
        long written = 0;
        try (Options options = new Options().setCreateIfMissing(true)) {
            new ProjectionsRocksDbOptions().setConfig(ProjectionNames.EVENTS_STORE, options, Map.of());
            try (RocksDB db = RocksDB.open(options, dir.toString()); FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                for (int n = 0; n < 5_000; n++) {
                    final byte[] value = ("{\"id\":\"ev-" + n + "\",\"correlation_id\":\"RID(r-" + n / 4 + ")::q" + n % 4 + "\",\"type\":\"message\","
                            + "\"source\":\"ai_agent\",\"data\":{\"type\":\"message\",\"parts\":[{\"type\":\"content\",\"content\":\"Your order "
                            + n + " left the warehouse this morning; the carrier expects to deliver it on Thursday.\"}]},"
                            + "\"created_at\":\"2025-01-29T09:27:" + n % 60 + "Z\",\"metadata\":{\"agent_id\":\"agent-" + n % 7 + "\"}}")
                            .getBytes(StandardCharsets.UTF_8);
                    db.put(("session-" + n % 50 + "/" + n).getBytes(StandardCharsets.UTF_8), value);
                    written += value.length;
                }
                db.flush(flush);
            }
        }
        long onDisk;
        try (Stream<Path> files = Files.list(dir)) {
            onDisk = files.filter(f -> f.toString().endsWith(".sst")).mapToLong(f -> f.toFile().length()).sum();
        }
        assertTrue(onDisk * 3 < written, onDisk + " bytes on disk for " + written + " written");
    }
}
