package io.sessionlog.processor;

import java.util.Map;
import java.util.function.UnaryOperator;

import io.sessionlog.schemas.avro.Correlation;
import io.sessionlog.schemas.serde.SpecificAvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** The stamper's stores, in memory and without changelogs, for tests that drive a stamper through a mock context. */
final class StamperStores {

    private StamperStores() {
    }

    /** Adds every store the stamper reads, the events store passed through {@code events} (a test's wrapper, say). */
    static void addTo(final MockProcessorContext<String, Object> context, final Map<String, Object> serde,
                      final UnaryOperator<KeyValueStore<Bytes, byte[]>> events) {
        add(context, Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ProcessorNames.SESSIONS_STORE),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build());
        add(context, events.apply(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ProcessorNames.EVENTS_STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build()));
        add(context, Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ProcessorNames.CHAINS_STORE),
                Serdes.Bytes(), SpecificAvroSerde.forValues(Correlation.class, serde)).withLoggingDisabled().build());
        add(context, Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ProcessorNames.DELETED_OFFSETS_STORE),
                Serdes.Bytes(), Serdes.Long()).withLoggingDisabled().build());
        add(context, Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ProcessorNames.TAIL_DELETES_STORE),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build());
    }

    private static void add(final MockProcessorContext<String, Object> context, final KeyValueStore<?, ?> store) {
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
    }
}
