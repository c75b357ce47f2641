package io.sessionlog.processor;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import io.sessionlog.schemas.ClusterConfig;
import io.sessionlog.schemas.TopicProvisioner;
import io.sessionlog.schemas.Topics;
import io.sessionlog.streams.StreamsSettings;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.streams.StreamsConfig;

/** Settings of the processor role; a wrong value fails at start with a message naming the key. */
public final class ProcessorConfig extends AbstractConfig {

    public static final String APPLICATION_ID = "processor.application.id";
    public static final String COMMIT_INTERVAL_MS = "processor.commit.interval.ms";
    public static final String THREADS = "processor.threads";
    public static final String STATE_DIR = "processor.state.dir";
    public static final String SESSION_CACHE_SIZE = "processor.session.cache.size";
    public static final String MAX_OUTPUT_BYTES = "processor.max.output.bytes";
    public static final String STANDBY_REPLICAS = "processor.standby.replicas";
    public static final String VIEW_CACHE_BYTES = "processor.view.cache.bytes";
    public static final String DELETE_STEP_EVENTS = "processor.delete.step.events";
    public static final String DELETE_STEP_INTERVAL_MS = "processor.delete.step.interval.ms";
    public static final String SESSIONS_TTL_MS = "sessions.ttl.ms";
    public static final String EXPIRY_STEP_SESSIONS = "processor.expiry.step.sessions";
    public static final String EXPIRY_STEP_INTERVAL_MS = "processor.expiry.step.interval.ms";
    /** How long a stream thread blocks waiting for input (Kafka Streams' poll.ms); kafka.poll.ms overrides it. */
    static final long POLL_MS = 10;

    private static final ConfigDef DEF = ClusterConfig.define(new ConfigDef())
            .define(APPLICATION_ID, Type.STRING, "sessionlog-processor", Importance.HIGH,
                    "Kafka Streams application.id: the consumer group and the prefix of its internal topics.")
            .define(COMMIT_INTERVAL_MS, Type.LONG, 50L, Range.atLeast(10), Importance.MEDIUM,
                    "Transaction commit interval: under exactly-once, output becomes visible at each commit. 50 ms "
                            + "halves the wait of Kafka's 100 ms default at moderate load; near saturation commits cost "
                            + "throughput, and 100 ms or more does better.")
            .define(THREADS, Type.INT, Runtime.getRuntime().availableProcessors(), Range.atLeast(1), Importance.MEDIUM,
                    "Stream threads of this instance; default one per core: the processor is CPU-bound, and more "
                            + "threads than cores measured slower. When the processor shares its process with ingest or "
                            + "projections, sessionlog run makes it 1 unless set: each thread commits on its own, which "
                            + "costs CPU the others need.")
            .define(STATE_DIR, Type.STRING, "data/streams", Importance.MEDIUM, "Folder of the local state stores.")
            .define(STANDBY_REPLICAS, Type.INT, 0, Range.atLeast(0), Importance.MEDIUM,
                    "Warm copies of each task's stores on other processor instances (num.standby.replicas): when an "
                            + "instance dies, one that holds a copy takes its sessions over without restoring them from "
                            + "the changelogs first. Each copy costs the instance holding it the disk of those stores and "
                            + "the reading of their changelogs.")
            .define(SESSION_CACHE_SIZE, Type.INT, 4096, Range.atLeast(0), Importance.LOW,
                    "Session views each task keeps decoded, most recently used first (about 1 KB each), so an active "
                            + "session's next event skips the state store's read and decode; the store stays the truth. 0 turns it off.")
            .define(VIEW_CACHE_BYTES, Type.LONG, 16L * 1024 * 1024, Range.atLeast(0), Importance.LOW,
                    "Kafka Streams' record cache of each instance (statestore.cache.max.bytes), which holds the session "
                            + "views written since the last commit: each session's views within a commit reach the "
                            + "session store, its changelog and the sessions topic once, as the last of them. Size it to "
                            + "the sessions touched per commit interval (about 1.2 KB each with the cache's overhead); "
                            + "a view evicted early is written early, and again if changed within the same commit. "
                            + "0 writes every view.")
            .define(DELETE_STEP_EVENTS, Type.INT, 500, Range.atLeast(1), Importance.LOW,
                    "How many stored events of a session one step of a tail delete reads. A tail delete changes the "
                            + "session's view at once (its counts, and the range it deleted, which every read of the "
                            + "session honours); its events are marked deleted and re-emitted to the events topic at "
                            + "once if the session has at most this many, else one step every "
                            + DELETE_STEP_INTERVAL_MS + ", between other records, so that deleting a long session "
                            + "never holds up the other sessions of its partition, here or in the projections.")
            .define(DELETE_STEP_INTERVAL_MS, Type.LONG, 100L, Range.between(1, 60_000), Importance.LOW,
                    "How often a task takes a step of its pending tail deletes: with " + DELETE_STEP_EVENTS
                            + ", the pace (500 events every 100 ms: 5,000 deleted events a second per task) at which "
                            + "a long session's deleted events reach the events topic, its consumers and the indexes "
                            + "across sessions. Faster re-emits sooner and leaves more for the projections to catch up "
                            + "on ahead of other sessions' events (docs/performance.md, bigsession).")
            .define(SESSIONS_TTL_MS, Type.LONG, 0L, Range.atLeast(0), Importance.MEDIUM,
                    "Session expiry: a session without a write (event, patch, upsert, delete) for longer than this is "
                            + "removed from every store of every app, as DELETE /v1/sessions/{id} removes it (tombstones to "
                            + "every changelog, to events and to sessions); a later event with its id starts a new session. "
                            + "0 (default): sessions never expire. Measured on the processor's clock; see docs/lifecycle.md.")
            .define(EXPIRY_STEP_SESSIONS, Type.INT, 1_000, Range.atLeast(1), Importance.LOW,
                    "With " + SESSIONS_TTL_MS + " set: how many sessions one step of a task's expiry sweep examines, "
                            + "removing at most a tenth of that many, a step every " + EXPIRY_STEP_INTERVAL_MS + " between "
                            + "records (1,000 every 100 ms: a task examines 10,000 sessions and removes at most 1,000 a "
                            + "second), so that expiring many sessions never holds up stamping.")
            .define(EXPIRY_STEP_INTERVAL_MS, Type.LONG, 100L, Range.between(1, 60_000), Importance.LOW,
                    "With " + SESSIONS_TTL_MS + " set: how often a task takes a step of its expiry sweep.")
            .define(MAX_OUTPUT_BYTES, Type.INT, 4 * 1024 * 1024, Range.atLeast(1024), Importance.LOW,
                    "The largest stamped event or session view (Avro bytes) the processor writes. A write intent whose "
                            + "output would be larger goes to the rejected topic with the reason, instead of being refused "
                            + "by the broker, which under exactly-once would abort the transaction. The default (4 MiB) "
                            + "holds a 1 MiB event (ingest.max.event.bytes) with room to spare; keep it below the "
                            + "max.message.bytes of the events and sessions topics and of the changelogs (sessionlog "
                            + "creates them with 8 MiB) and the processor producer's max.request.size (8 MiB).");

    public ProcessorConfig(final Map<?, ?> values) {
        super(DEF, values);
    }

    public static ConfigDef configDef() {
        return DEF;
    }

    /** How a task paces the re-emission of a long session's tail delete. */
    DeletePace deletePace() {
        return new DeletePace(getInt(DELETE_STEP_EVENTS), Duration.ofMillis(getLong(DELETE_STEP_INTERVAL_MS)));
    }

    /** Session expiry: off unless sessions.ttl.ms is set. */
    ExpiryPace expiryPace() {
        return new ExpiryPace(Duration.ofMillis(getLong(SESSIONS_TTL_MS)), getInt(EXPIRY_STEP_SESSIONS),
                Duration.ofMillis(getLong(EXPIRY_STEP_INTERVAL_MS)));
    }

    public Topics topics() {
        return new Topics(getString(ClusterConfig.TOPIC_PREFIX));
    }

    public Map<String, Object> serdeConfig() {
        return ClusterConfig.serdeConfig(this);
    }

    /** Kafka Streams settings: exactly-once v2, explicit error handlers that route to the rejected topic. */
    public Properties streamsProperties() {
        final Properties props = StreamsSettings.common(this, getString(APPLICATION_ID), getLong(COMMIT_INTERVAL_MS),
                getInt(THREADS), getString(STATE_DIR));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, getInt(STANDBY_REPLICAS));
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, getLong(VIEW_CACHE_BYTES));
        RejectedRecords.configure(props, topics().rejected());
        // Kafka's 16 KB batches hold ~35 stamped events: each commit then opened and compressed many small batches.
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
        // A rejected record carries the raw record's bytes, which may be as large as the topics take.
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), TopicProvisioner.MAX_MESSAGE_BYTES);
        props.putIfAbsent(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, ProcessorRocksDbOptions.class);
        // Output is visible at commit, and a stream thread checks for a due commit only between polls: with Kafka's
        // 100 ms poll.ms, a thread with no more input blocks that long before committing the records it just stamped
        // (an idle partition's write -> visible p50 120 ms; 30 ms with 10, bigsession). Under load polls return at once.
        props.putIfAbsent(StreamsConfig.POLL_MS_CONFIG, POLL_MS);
        return props;
    }
}
