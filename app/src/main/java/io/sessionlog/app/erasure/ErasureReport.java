package io.sessionlog.app.erasure;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.sessionlog.privacy.KeyRef;
import io.sessionlog.processor.ProcessorNames;
import io.sessionlog.projections.ProjectionNames;
import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.serde.SpecificAvroDeserializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Where a session's records still are, and whether anyone can read them: every topic and changelog of the session's
 * partition is read from its start, the session's records picked out by key, their content classified (plain,
 * sealed, none) and each place given a status: gone, unreadable (sealed, key destroyed), ids only (no content), or
 * readable, each with the time by which compaction or retention removes what is left.
 */
public final class ErasureReport {

    /** What a place still holds of the session. */
    public enum Status { GONE, DESTROYED, UNREADABLE, IDS_ONLY, READABLE }

    /** One place: a topic or changelog, what it holds of the session and until when ({@code until} null: forever). */
    public record Finding(String place, String topic, int partition, long records, Status status, Instant until, String detail) {
    }

    private record Place(String name, String topic, Deserializer<?> values, SessionRecords keys) {
    }

    private final Map<String, Object> clientConfig;
    private final Map<String, Object> serdeConfig;
    private final Topics topics;
    private final List<String> applicationIds;
    private final PrintStream progress;

    /** @param applicationIds the processor's and the projections' application ids, whose changelogs are read */
    public ErasureReport(final Map<String, Object> clientConfig, final Map<String, Object> serdeConfig, final Topics topics,
                         final String processorApplicationId, final String projectionsApplicationId, final PrintStream progress) {
        this.clientConfig = clientConfig;
        this.serdeConfig = serdeConfig;
        this.topics = topics;
        this.applicationIds = List.of(processorApplicationId, projectionsApplicationId);
        this.progress = progress;
    }

    public List<Finding> of(final String session) throws Exception {
        final List<Place> places = places(session);
        try (Admin admin = Admin.create(clientConfig);
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(withReadUncommitted(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<String> existing = places.stream().map(Place::topic)
                    .filter(admin.listTopics().names().get(60, TimeUnit.SECONDS)::contains).toList();
            final Map<ConfigResource, Config> configs = admin.describeConfigs(existing.stream()
                    .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList()).all().get(60, TimeUnit.SECONDS);
            // The keys partition is read once: what every other place's content needs to know, and a place itself.
            final Map<String, List<ConsumerRecord<byte[], byte[]>>> read = new HashMap<>();
            if (existing.contains(topics.keys())) {
                read.put(topics.keys(), read(consumer, topics.keys(), session));
            }
            final KeyState keys = keyState(read.getOrDefault(topics.keys(), List.of()), session);
            final List<Finding> findings = new ArrayList<>();
            for (final Place place : places) {
                if (!existing.contains(place.topic())) {
                    continue;
                }
                final List<ConsumerRecord<byte[], byte[]>> records = read.containsKey(place.topic()) ? read.get(place.topic())
                        : read(consumer, place.topic(), session);
                findings.add(scan(consumer, place, session, records,
                        configs.get(new ConfigResource(ConfigResource.Type.TOPIC, place.topic())), keys));
            }
            return findings;
        }
    }

    private Map<String, Object> withReadUncommitted() {
        final Map<String, Object> config = new HashMap<>(clientConfig);
        // Every record a broker holds, aborted transactions' too: they are copies on disk like any other.
        config.put("isolation.level", "read_uncommitted");
        config.put("enable.auto.commit", false);
        config.remove("group.id");
        return config;
    }

    private List<Place> places(final String session) {
        final Deserializer<?> intents = deserializer(WriteIntent.class);
        final Deserializer<?> events = deserializer(StampedEvent.class);
        final Deserializer<?> views = deserializer(SessionView.class);
        final SessionRecords exact = SessionRecords.of(session);
        final List<Place> places = new ArrayList<>(List.of(
                new Place("events.raw", topics.raw(), intents, exact),
                new Place("events", topics.events(), events, exact),
                new Place("sessions", topics.sessions(), views, exact),
                new Place("rejected", topics.rejected(), intents, exact)));
        final Map<String, Deserializer<?>> changelogs = new java.util.LinkedHashMap<>();
        changelogs.put(ProcessorNames.SESSIONS_STORE, views);
        changelogs.put(ProcessorNames.EVENTS_STORE, events);
        changelogs.put(ProcessorNames.CHAINS_STORE, null);
        changelogs.put(ProcessorNames.DELETED_OFFSETS_STORE, null);
        changelogs.put(ProcessorNames.TAIL_DELETES_STORE, null);
        for (final var store : changelogs.entrySet()) {
            places.add(new Place("processor " + store.getKey(), changelog(applicationIds.get(0), store.getKey()), store.getValue(), exact));
        }
        final Map<String, Deserializer<?>> projections = new java.util.LinkedHashMap<>();
        projections.put(ProjectionNames.EVENTS_STORE, events);
        projections.put(ProjectionNames.EVENT_IDS_STORE, null);
        projections.put(ProjectionNames.EVENTS_BY_TIME_STORE, null);
        projections.put(ProjectionNames.CORRELATION_INDEX_STORE, null);
        projections.put(ProjectionNames.SESSIONS_STORE, views);
        projections.put(ProjectionNames.OWNERS_STORE, null);
        projections.put(ProjectionNames.SESSIONS_BY_TIME_STORE, null);
        for (final var store : projections.entrySet()) {
            final boolean endsWith = store.getKey().equals(ProjectionNames.OWNERS_STORE) || store.getKey().equals(ProjectionNames.SESSIONS_BY_TIME_STORE);
            places.add(new Place("projections " + store.getKey(), changelog(applicationIds.get(1), store.getKey()), store.getValue(),
                    endsWith ? SessionRecords.endingWith(session) : exact));
        }
        places.add(new Place("keys", topics.keys(), null, null));
        return places;
    }

    private static String changelog(final String applicationId, final String store) {
        return applicationId + "-" + store + "-changelog";
    }

    private <T extends org.apache.avro.specific.SpecificRecord> Deserializer<T> deserializer(final Class<T> type) {
        final SpecificAvroDeserializer<T> values = new SpecificAvroDeserializer<>(type);
        values.configure(serdeConfig, false);
        return values;
    }

    /** The session's keys on the keys topic: how many were written, and how many still live. */
    private record KeyState(int written, int live) {
    }

    private static KeyState keyState(final List<ConsumerRecord<byte[], byte[]>> keyRecords, final String session) {
        final Map<String, Boolean> liveById = new HashMap<>();
        for (final ConsumerRecord<byte[], byte[]> record : keyRecords) {
            final KeyRef ref = KeyRef.parse(new String(record.key(), java.nio.charset.StandardCharsets.UTF_8));
            if (ref != null && ref.session().equals(session)) {
                liveById.put(ref.keyId(), record.value() != null);
            }
        }
        return new KeyState(liveById.size(), (int) liveById.values().stream().filter(Boolean::booleanValue).count());
    }

    private Finding scan(final KafkaConsumer<byte[], byte[]> consumer, final Place place, final String session,
                         final List<ConsumerRecord<byte[], byte[]>> all, final Config config, final KeyState keys) {
        final int partition = all.isEmpty() ? partitionOf(consumer, place.topic(), session) : all.get(0).partition();
        final List<ConsumerRecord<byte[], byte[]>> mine = new ArrayList<>();
        for (final ConsumerRecord<byte[], byte[]> record : all) {
            if (place.keys() == null ? keyOf(record, session) : place.keys().matches(record.key())) {
                mine.add(record);
            }
        }
        final boolean compacted = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value().contains(TopicConfig.CLEANUP_POLICY_COMPACT);
        if (mine.isEmpty()) {
            return new Finding(place.name(), place.topic(), partition, 0, Status.GONE, null, "no record of the session");
        }
        final Map<String, ConsumerRecord<byte[], byte[]>> latest = new HashMap<>();
        Content worst = Content.NONE;
        long valued = 0;
        long lastTimestamp = 0;
        for (final ConsumerRecord<byte[], byte[]> record : mine) {
            latest.put(java.util.HexFormat.of().formatHex(record.key()), record);
            lastTimestamp = Math.max(lastTimestamp, record.timestamp());
            if (record.value() != null) {
                valued++;
                final Content content = contentOf(place, record);
                worst = content.ordinal() > worst.ordinal() ? content : worst;
            }
        }
        if (valued == 0) {
            return new Finding(place.name(), place.topic(), partition, 0, Status.GONE, null, "tombstones only");
        }
        final boolean deletedHere = latest.values().stream().allMatch(r -> r.value() == null);
        final Instant until = until(config, compacted, deletedHere, lastTimestamp);
        if (place.topic().equals(topics.keys())) {
            return new Finding(place.name(), place.topic(), partition, valued, deletedHere ? Status.DESTROYED : Status.READABLE, until,
                    deletedHere ? "every key tombstoned: nothing opens the session's content; the wrapped keys leave the brokers' disks by then"
                            : keys.live() + " of " + keys.written() + " keys live");
        }
        final Status status = switch (worst) {
            case PLAIN -> Status.READABLE;
            case SEALED -> keys.live() > 0 ? Status.READABLE : Status.UNREADABLE;
            case NONE -> Status.IDS_ONLY;
        };
        final String detail = switch (status) {
            case READABLE -> worst == Content.PLAIN ? "plaintext content" : "sealed, and " + keys.live() + " of its keys live";
            case UNREADABLE -> "sealed content, every key destroyed (" + keys.written() + ")";
            case IDS_ONLY -> "ids, times and counts, no content";
            case GONE, DESTROYED -> "";
        } + (compacted && !deletedHere ? "; the session is not deleted here" : "");
        return new Finding(place.name(), place.topic(), partition, valued, status, until, detail);
    }

    private static boolean keyOf(final ConsumerRecord<byte[], byte[]> record, final String session) {
        final KeyRef ref = record.key() == null ? null : KeyRef.parse(new String(record.key(), java.nio.charset.StandardCharsets.UTF_8));
        return ref != null && ref.session().equals(session);
    }

    private static Content contentOf(final Place place, final ConsumerRecord<byte[], byte[]> record) {
        if (place.topic().endsWith(Topics.KEYS)) {
            return Content.SEALED;
        }
        if (place.values() == null) {
            return Content.NONE;
        }
        try {
            return Content.of(place.values().deserialize(place.topic(), record.value()));
        } catch (RuntimeException e) {
            // Bytes that are not what the place should hold (a rejected record's original bytes): assume the worst.
            return Content.PLAIN;
        }
    }

    /**
     * When what is left of the session leaves: on a compacted topic whose last record of each key is a tombstone, the
     * compaction bound after the last of them; on a delete topic, retention after the last record, plus a segment's
     * time to roll; null when it is kept forever or the session lives here.
     */
    private static Instant until(final Config config, final boolean compacted, final boolean deletedHere, final long lastTimestamp) {
        if (compacted) {
            if (!deletedHere) {
                return null;
            }
            return Instant.ofEpochMilli(lastTimestamp + Long.parseLong(config.get(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG).value()));
        }
        final long retention = Long.parseLong(config.get(TopicConfig.RETENTION_MS_CONFIG).value());
        if (retention < 0) {
            return null;
        }
        return Instant.ofEpochMilli(lastTimestamp + retention + Long.parseLong(config.get(TopicConfig.SEGMENT_MS_CONFIG).value()));
    }

    /** Every record of the partition {@code session} lives on in {@code topic}, from its start to its end now. */
    private List<ConsumerRecord<byte[], byte[]>> read(final KafkaConsumer<byte[], byte[]> consumer, final String topic, final String session) {
        final TopicPartition partition = new TopicPartition(topic, partitionOf(consumer, topic, session));
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        final long end = consumer.endOffsets(List.of(partition)).get(partition);
        final long start = consumer.position(partition);
        progress.printf("  reading %s partition %d: %,d records%n", topic, partition.partition(), end - start);
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        final long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (consumer.position(partition) < end && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }

    private static int partitionOf(final KafkaConsumer<byte[], byte[]> consumer, final String topic, final String session) {
        return KeyRef.partitionOf(session, consumer.partitionsFor(topic).size());
    }
}
