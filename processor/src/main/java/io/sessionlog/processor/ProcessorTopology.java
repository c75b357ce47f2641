package io.sessionlog.processor;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import io.sessionlog.privacy.KeyRef;
import io.sessionlog.schemas.Topics;
import org.apache.avro.Schema;
import io.sessionlog.schemas.avro.Correlation;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.serde.SpecificAvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * The processor topology: {@code events.raw} → session stamper (five stores) → {@code events}, {@code sessions},
 * {@code rejected}. A pure function of its arguments, no I/O, so TopologyTestDriver tests the topology that runs.
 */
public final class ProcessorTopology {

    private ProcessorTopology() {
    }

    /**
     * The value schema of every topic the topology writes under a subject of its own. The session and event stores
     * hold their output topics' bytes, so their changelogs need no subject.
     */
    public static Map<String, Schema> valueSchemas(final Topics topics, final String applicationId) {
        return Map.of(
                topics.events(), StampedEvent.getClassSchema(),
                topics.sessions(), SessionView.getClassSchema(),
                topics.rejected(), WriteIntent.getClassSchema(),
                changelog(applicationId, ProcessorNames.CHAINS_STORE), Correlation.getClassSchema());
    }

    private static String changelog(final String applicationId, final String store) {
        return applicationId + "-" + store + "-changelog";
    }

    public static Topology build(final ProcessorConfig config) {
        return build(config, Stores::persistentKeyValueStore);
    }

    /**
     * The topology over the given key-value stores, by store name: RocksDB in production, a wrapper that fails on
     * cue in the tests of faults that are not a record's (StoreFaultIT).
     */
    static Topology build(final ProcessorConfig config, final Function<String, KeyValueBytesStoreSupplier> stores) {
        final Topics topics = config.topics();
        final Map<String, Object> serdeConfig = config.serdeConfig();
        final int sessionCacheSize = config.getInt(ProcessorConfig.SESSION_CACHE_SIZE);
        final int maxOutputBytes = config.getInt(ProcessorConfig.MAX_OUTPUT_BYTES);
        final DeletePace deletePace = config.deletePace();
        final ExpiryPace expiryPace = config.expiryPace();
        final SpecificAvroSerde<WriteIntent> intents = SpecificAvroSerde.forValues(WriteIntent.class, serdeConfig);
        final WireCodec codec = new WireCodec(topics, serdeConfig);
        final SpecificAvroSerde<Correlation> links = SpecificAvroSerde.forValues(Correlation.class, serdeConfig);

        // The session views are cached: Kafka Streams' record cache folds a session's views within a commit into one
        // write of the store, its changelog and the sessions topic (FoldedViews). The event and chain stores are not:
        // every event id is written once, so a cache would fold nothing and cost its sorted map on every write.
        final Topology topology = new Topology();
        topology.addSource(ProcessorNames.SOURCE, Serdes.String().deserializer(), intents.deserializer(), topics.raw());
        topology.addProcessor(ProcessorNames.STAMPER, () -> new SessionStamper(codec, sessionCacheSize, maxOutputBytes, deletePace, expiryPace), ProcessorNames.SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                stores.apply(ProcessorNames.SESSIONS_STORE), Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled(), ProcessorNames.STAMPER);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                stores.apply(ProcessorNames.EVENTS_STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingDisabled(), ProcessorNames.STAMPER);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                stores.apply(ProcessorNames.CHAINS_STORE), Serdes.Bytes(), links)
                .withCachingDisabled(), ProcessorNames.STAMPER);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                stores.apply(ProcessorNames.DELETED_OFFSETS_STORE), Serdes.Bytes(), Serdes.Long())
                .withCachingDisabled(), ProcessorNames.STAMPER);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                stores.apply(ProcessorNames.TAIL_DELETES_STORE), Serdes.String(), Serdes.ByteArray())
                .withCachingDisabled(), ProcessorNames.STAMPER);
        // The stamper forwards stamped events and views already in their wire format (see WireCodec).
        topology.addSink(ProcessorNames.EVENTS_SINK, topics.events(), Serdes.String().serializer(), Serdes.ByteArray().serializer(),
                ProcessorNames.STAMPER);
        topology.addSink(ProcessorNames.SESSIONS_SINK, topics.sessions(), Serdes.String().serializer(), Serdes.ByteArray().serializer(),
                ProcessorNames.STAMPER);
        topology.addSink(ProcessorNames.REJECTED_SINK, topics.rejected(), Serdes.String().serializer(), intents.serializer(),
                ProcessorNames.STAMPER);
        // The tombstones of a deleted or expired session's keys (privacy.encryption), on the partition of the session
        // itself, where ingest wrote them: a key's record key is session/key_id.
        topology.addSink(ProcessorNames.KEYS_SINK, topics.keys(), Serdes.String().serializer(), Serdes.ByteArray().serializer(),
                (StreamPartitioner<String, byte[]>) (topic, key, value, partitions) ->
                        Optional.of(Set.of(KeyRef.partitionOf(KeyRef.parse(key).session(), partitions))),
                ProcessorNames.STAMPER);
        return topology;
    }
}
