package io.sessionlog.app;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionlog.privacy.PrivacyConfig;
import io.sessionlog.privacy.SessionKeys;
import io.sessionlog.privacy.Unsealer;
import io.sessionlog.privacy.KeyRef;
import io.sessionlog.projections.http.AvroRecordJson;
import io.sessionlog.schemas.ClusterConfig;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.serde.SpecificAvroDeserializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sessionlog tail}: the records of a sessionlog topic as JSON lines, decoded through the schema registry as
 * Confluent's Avro console consumer decodes them, and opened with the session's key under privacy.encryption. Needs
 * no other tool: a kcat without Avro support cannot read the topics.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Print the records of a sessionlog topic as JSON lines: {topic, partition, offset, timestamp, key, value"
                + " (the Avro record field by field, null for a tombstone), headers}.")
final class TailCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where the lines go: standard output, or a test's buffer. */
    PrintStream out = System.out;

    @Parameters(index = "0", defaultValue = "events", paramLabel = "TOPIC",
            description = "events (default), sessions, raw (events.raw) or rejected: under topic.prefix.")
    String topic;

    @Option(names = "--session", description = "Only the records of this session; only its partition is read.")
    String session;

    @Option(names = "--from-beginning", description = "Start at the first record kept, not at the end.")
    boolean fromBeginning;

    @Option(names = {"-e", "--exit-at-end"}, description = "Stop at the end of the topic as it is now, instead of following it.")
    boolean exitAtEnd;

    @Mixin
    SettingsOptions options = new SettingsOptions();

    @Override
    public Integer call() throws Exception {
        final Map<String, String> settings;
        final AppConfig app;
        try {
            settings = options.settings();
            app = new AppConfig(settings);
        } catch (ConfigException e) {
            System.err.println("sessionlog: configuration error: " + e.getMessage());
            return 2;
        }
        final Topics topics = new Topics(app.getString(ClusterConfig.TOPIC_PREFIX));
        final String name = switch (topic) {
            case "events" -> topics.events();
            case "sessions" -> topics.sessions();
            case "raw", "events.raw" -> topics.raw();
            case "rejected" -> topics.rejected();
            default -> null;
        };
        if (name == null) {
            System.err.println("sessionlog tail: TOPIC is events, sessions, raw or rejected, not '" + topic + "'");
            return 2;
        }
        final Map<String, Object> client = SettingsOptions.clientConfig(app);
        final SessionKeys keys = PrivacyConfig.masterKeys(settings)
                .map(master -> SessionKeys.forReading(client, topics.keys(), master)).orElse(null);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig(client), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            final Function<byte[], Object> values = decoder(name, topics, ClusterConfig.serdeConfig(app), keys == null ? null : new Unsealer(keys));
            follow(consumer, name, values, out);
        } finally {
            if (keys != null) {
                keys.close();
            }
        }
        return 0;
    }

    private static Map<String, Object> consumerConfig(final Map<String, Object> client) {
        final Map<String, Object> config = new HashMap<>(client);
        config.put("isolation.level", "read_committed");
        config.put("enable.auto.commit", false);
        config.remove("group.id");
        return config;
    }

    private static Function<byte[], Object> decoder(final String name, final Topics topics, final Map<String, Object> serde,
                                                    final Unsealer unsealer) {
        if (name.equals(topics.events())) {
            final SpecificAvroDeserializer<StampedEvent> events = configured(new SpecificAvroDeserializer<>(StampedEvent.class), serde);
            return bytes -> unsealer == null ? events.deserialize(name, bytes) : unsealer.open(events.deserialize(name, bytes));
        }
        if (name.equals(topics.sessions())) {
            final SpecificAvroDeserializer<SessionView> views = configured(new SpecificAvroDeserializer<>(SessionView.class), serde);
            return bytes -> unsealer == null ? views.deserialize(name, bytes) : unsealer.open(views.deserialize(name, bytes));
        }
        final SpecificAvroDeserializer<WriteIntent> intents = configured(new SpecificAvroDeserializer<>(WriteIntent.class), serde);
        return bytes -> intents.deserialize(name, bytes);
    }

    private static <T extends SpecificRecord> SpecificAvroDeserializer<T> configured(final SpecificAvroDeserializer<T> values,
                                                                                   final Map<String, Object> serde) {
        values.configure(serde, false);
        return values;
    }

    private void follow(final KafkaConsumer<String, byte[]> consumer, final String name, final Function<byte[], Object> values,
                        final PrintStream out) {
        final int count = consumer.partitionsFor(name, Duration.ofSeconds(60)).size();
        final List<TopicPartition> partitions = session == null
                ? java.util.stream.IntStream.range(0, count).mapToObj(p -> new TopicPartition(name, p)).toList()
                : List.of(new TopicPartition(name, KeyRef.partitionOf(session, count)));
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        while (!exitAtEnd || partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
            for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                if (session == null || session.equals(record.key())) {
                    out.println(line(record, values));
                }
            }
            out.flush();
        }
    }

    private static String line(final ConsumerRecord<String, byte[]> record, final Function<byte[], Object> values) {
        final ObjectNode line = JSON.createObjectNode().put("topic", record.topic()).put("partition", record.partition())
                .put("offset", record.offset()).put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString())
                .put("key", record.key());
        if (record.value() == null) {
            line.putNull("value");
        } else {
            try {
                line.set("value", AvroRecordJson.of((org.apache.avro.generic.IndexedRecord) values.apply(record.value())));
            } catch (RuntimeException e) {
                // A rejected record keeps the bytes that could not be read: shown as they are, with the reason.
                line.put("value_base64", java.util.Base64.getEncoder().encodeToString(record.value()));
                line.put("decode_error", e.getMessage());
            }
        }
        if (record.headers().iterator().hasNext()) {
            final ObjectNode headers = line.putObject("headers");
            for (final Header header : record.headers()) {
                headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        return line.toString();
    }
}
