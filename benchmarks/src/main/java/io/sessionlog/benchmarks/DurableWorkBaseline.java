package io.sessionlog.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Baseline C: the durable work the contract asks of the processor and nothing else. Per raw record it reads and
 * writes one store value the size of what the processor stores of an event (its identity, keyed by session and
 * event) and one the size of a session view (keyed by session), each with its changelog record, and emits a stamped
 * event and a view, under the processor's
 * own Streams settings (threads, commit interval, exactly-once, producer and RocksDB options). The values are real
 * ones, taken from what the processor wrote, so they compress as ours do.
 */
final class DurableWorkBaseline {

    private static final String EVENTS = "durable-events";
    private static final String VIEWS = "durable-views";

    /** A stamped event, what the processor stored of an event, and a session view, as the processor wrote them. */
    record Payloads(byte[] event, byte[] stored, byte[] view) {
    }

    private DurableWorkBaseline() {
    }

    static String eventsOut(final String name) {
        return name + "-events-out";
    }

    static String viewsOut(final String name) {
        return name + "-views-out";
    }

    /** Of the first records of each topic, the value whose size is the median: what a typical record weighs. */
    static Payloads sample(final String bootstrap, final String eventsTopic, final String storedTopic, final String sessionsTopic) {
        return new Payloads(median(bootstrap, eventsTopic), median(bootstrap, storedTopic), median(bootstrap, sessionsTopic));
    }

    private static byte[] median(final String bootstrap, final String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", "read_committed", "max.poll.records", 2000), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final List<byte[]> values = new ArrayList<>();
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < 2000 && System.nanoTime() < deadline) {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null) {
                        values.add(record.value());
                    }
                }
            }
            if (values.isEmpty()) {
                throw new IllegalStateException(topic + " holds no record to take a size from");
            }
            values.sort(Comparator.comparingInt(value -> value.length));
            return values.get(values.size() / 2);
        }
    }

    /** Runs the baseline as {@code name} over {@code total} records of {@code rawTopic}; answers its records per second. */
    static double run(final Properties processorSettings, final String name, final String rawTopic, final Payloads payloads,
                      final int total, final ConsumerLag lag, final String stateDir) throws Exception {
        final Topology topology = new Topology();
        topology.addSource(name + "-source", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), rawTopic);
        topology.addProcessor(name + "-work", () -> new Work(payloads, name + "-events-sink", name + "-views-sink"), name + "-source");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EVENTS), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingDisabled(), name + "-work");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VIEWS), Serdes.String(), Serdes.ByteArray())
                .withCachingDisabled(), name + "-work");
        topology.addSink(name + "-events-sink", eventsOut(name), Serdes.String().serializer(), Serdes.ByteArray().serializer(), name + "-work");
        topology.addSink(name + "-views-sink", viewsOut(name), Serdes.String().serializer(), Serdes.ByteArray().serializer(), name + "-work");
        final Properties props = new Properties();
        props.putAll(processorSettings);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, name);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        try (KafkaStreams streams = new KafkaStreams(topology, props)) {
            streams.start();
            return lag.throughput(name, total, done -> { });
        }
    }

    /** One store read and write of each size, and one output record of each, per raw record. */
    private static final class Work implements Processor<String, byte[], String, byte[]> {
        private final Payloads payloads;
        private final String eventsSink;
        private final String viewsSink;
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<Bytes, byte[]> events;
        private KeyValueStore<String, byte[]> views;

        Work(final Payloads payloads, final String eventsSink, final String viewsSink) {
            this.payloads = payloads;
            this.eventsSink = eventsSink;
            this.viewsSink = viewsSink;
        }

        @Override
        public void init(final ProcessorContext<String, byte[]> context) {
            this.context = context;
            events = context.getStateStore(EVENTS);
            views = context.getStateStore(VIEWS);
        }

        @Override
        public void process(final Record<String, byte[]> record) {
            // The raw record's position stands for its event id: unique, as event ids are.
            final long position = context.recordMetadata().map(at -> at.offset()).orElse(0L);
            final Bytes eventKey = Bytes.wrap((record.key() + "/" + position).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (events.get(eventKey) == null) {
                events.put(eventKey, payloads.stored());
            }
            views.get(record.key());
            views.put(record.key(), payloads.view());
            context.forward(record.withValue(payloads.event()), eventsSink);
            context.forward(record.withValue(payloads.view()), viewsSink);
        }
    }
}
