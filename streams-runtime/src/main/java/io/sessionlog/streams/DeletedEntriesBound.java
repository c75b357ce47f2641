package io.sessionlog.streams;

import java.util.Map;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.rocksdb.Options;

/**
 * How long a deleted entry may stay in a store's files. RocksDB applies a delete when a compaction merges the files
 * holding the entry, which on a quiet store may be never; periodic compaction rewrites every file older than the bound,
 * so what a hard delete removed leaves the disk within it. The bound is the one the changelogs have
 * ({@code topic.max.compaction.lag.ms}, passed to Kafka Streams as its changelogs' {@code max.compaction.lag.ms}),
 * so a store and its changelog forget a session within the same time (docs/lifecycle.md).
 */
public final class DeletedEntriesBound {

    private DeletedEntriesBound() {
    }

    /** Sets periodic compaction from the Streams configuration's changelog bound, when it has one. */
    public static void apply(final Options options, final Map<String, Object> streamsConfig) {
        final Object bound = streamsConfig.get(StreamsConfig.topicPrefix(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG));
        if (bound != null) {
            options.setPeriodicCompactionSeconds(Math.max(1, Long.parseLong(bound.toString()) / 1000));
        }
    }
}
