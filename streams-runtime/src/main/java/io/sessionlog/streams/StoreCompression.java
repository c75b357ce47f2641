package io.sessionlog.streams;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.Options;

/**
 * The compression of sessionlog's RocksDB stores. Kafka Streams opens every store uncompressed, with 4 KB blocks;
 * sessionlog's values are Avro records of about 800 bytes carrying JSON, and a block compresses only what repeats
 * inside it: LZ4 on 16 KB blocks keeps the events stores at about a third of the bytes posted, against 2.2 times
 * uncompressed and half of that on 4 KB blocks (the amplification benchmark, decision 0014). LZ4 costs little CPU on
 * a flush or compaction and decompresses at memory speed; blocks are cached uncompressed, so a hot read pays nothing.
 */
public final class StoreCompression {

    /** Bytes of a store's data block before compression. */
    public static final long BLOCK_BYTES = 16 * 1024;

    private StoreCompression() {
    }

    /** LZ4 on every level of the store's files, on 16 KB blocks (other table settings as Kafka Streams made them). */
    public static void apply(final Options options) {
        options.setCompressionType(CompressionType.LZ4_COMPRESSION);
        // Kafka Streams' own table config (its block cache, its filters), when it made one.
        final BlockBasedTableConfig table = options.tableFormatConfig() instanceof BlockBasedTableConfig streams ? streams
                : new BlockBasedTableConfig();
        table.setBlockSize(BLOCK_BYTES);
        options.setTableFormatConfig(table);
    }
}
