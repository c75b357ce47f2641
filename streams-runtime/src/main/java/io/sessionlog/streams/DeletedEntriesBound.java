package io.sessionlog.streams;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.rocksdb.Options;
import org.rocksdb.TablePropertiesCollectorFactory;

/**
 * How long a deleted entry may stay in a store's files once the delete itself is in them. RocksDB applies a delete when
 * a compaction merges the files holding the entry, which on a quiet store may be never; periodic compaction rewrites
 * every file older than the bound. (The delete reaches the files when the store's memtable is written out, when it
 * fills or the store closes: Kafka Streams does not flush stores on commit under exactly-once.) The bound is the one
 * the changelogs have
 * ({@code topic.max.compaction.lag.ms}, passed to Kafka Streams as its changelogs' {@code max.compaction.lag.ms}),
 * so a store and its changelog forget a session within the same time (docs/lifecycle.md).
 *
 * <p>{@link #apply} returns a native object the caller closes in its config setter's {@code close}, after the store.
 */
public final class DeletedEntriesBound {

    /** A file is compacted when any 1,000 consecutive entries hold 500 deletes, or half of it is deletes. */
    private static final long DELETION_WINDOW = 1_000;
    private static final long DELETION_TRIGGER = 500;
    private static final double DELETION_RATIO = 0.5;

    private DeletedEntriesBound() {
    }



    /**
     * Sets periodic compaction from the Streams configuration's changelog bound, when it has one, and marks a file
     * dense with deletes for compaction as soon as it is written: a store where many sessions were removed (expiry, hard
     * deletes) would otherwise make every seek skip their tombstones until a compaction happened to come by.
     */
    public static TablePropertiesCollectorFactory apply(final Options options, final Map<String, Object> streamsConfig) {
        final TablePropertiesCollectorFactory deletions = TablePropertiesCollectorFactory.NewCompactOnDeletionCollectorFactory(
                DELETION_WINDOW, DELETION_TRIGGER, DELETION_RATIO);
        options.setTablePropertiesCollectorFactory(List.of(deletions));
        final Object bound = streamsConfig.get(StreamsConfig.topicPrefix(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG));
        if (bound != null) {
            options.setPeriodicCompactionSeconds(Math.max(1, Long.parseLong(bound.toString()) / 1000));
        }
        return deletions;
    }
}
