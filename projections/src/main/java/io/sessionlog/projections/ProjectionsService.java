package io.sessionlog.projections;

import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.sessionlog.projections.query.Route;
import io.sessionlog.projections.query.Router;
import io.sessionlog.projections.query.SessionUpdates;
import io.sessionlog.privacy.Unsealer;
import io.sessionlog.projections.query.StoreLookup;
import io.sessionlog.projections.query.UnsealedStore;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.serde.SchemaRegistrations;
import io.sessionlog.streams.ManagedStreams;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** The projections role's lifecycle, and the stores it serves to interactive queries. */
public final class ProjectionsService implements AutoCloseable, StoreLookup, Router {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProjectionsService.class);
    /** Replaced by a rebuild. */
    private volatile ManagedStreams managed;
    private final java.util.function.Supplier<ManagedStreams> streams;
    /** The rebuild under way or last ended; its error, if it failed. Null before the first. */
    private volatile ProjectionsRebuild.Progress rebuild;
    private volatile boolean rebuilding;
    private volatile boolean closed;
    private final org.apache.kafka.common.utils.Time time;
    private final ProjectionsConfig config;
    private final HostInfo self;
    /** Opens sealed content as queries read it (privacy.encryption); null when content is plain. */
    private volatile Unsealer unsealer;

    /** @param applicationServer {@code host:port} where this instance answers queries (application.server) */
    public ProjectionsService(final ProjectionsConfig config, final String applicationServer, final SessionUpdates updates) {
        this(config, applicationServer, updates, org.apache.kafka.common.utils.Time.SYSTEM);
    }

    /** @param time the clock of the rebuild's progress and of the read models' version record: Kafka's system time in production */
    public ProjectionsService(final ProjectionsConfig config, final String applicationServer, final SessionUpdates updates,
                              final org.apache.kafka.common.utils.Time time) {
        this.config = config;
        this.time = time;
        this.self = HostInfo.buildFromEndpoint(applicationServer);
        this.streams = () -> new ManagedStreams("projections", ProjectionsTopology.build(config.topics(), config.serdeConfig(), updates,
                config.statsRetention()), config.streamsProperties(applicationServer));
        this.managed = streams.get();
    }

    /** Queries read sealed content opened with these keys (privacy.encryption). */
    public void openWith(final Unsealer unsealer) {
        this.unsealer = unsealer;
    }

    public void start() {
        final String id = config.getString(ProjectionsConfig.APPLICATION_ID);
        SchemaRegistrations.ensure(config.serdeConfig(), Map.of(
                id + "-" + ProjectionNames.EVENTS_STORE + "-changelog", StampedEvent.getClassSchema(),
                id + "-" + ProjectionNames.SESSIONS_STORE + "-changelog", SessionView.getClassSchema()));
        final java.util.Optional<String> stale;
        try {
            stale = readModels().staleState();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the read models' version from " + readModels().topic() + ": " + e, e);
        }
        if (stale.isPresent()) {
            // A version that adds or changes a read model fills it from the topics by itself.
            LOG.info("{}: rebuilding them from {} and {} (GET /v1/projections/rebuild shows how far)", stale.get(),
                    config.topics().events(), config.topics().sessions());
            rebuild();
        } else {
            managed.start();
        }
    }

    private ReadModelVersion readModels() {
        return new ReadModelVersion(io.sessionlog.schemas.ClusterConfig.kafkaClientConfig(config),
                config.getString(ProjectionsConfig.APPLICATION_ID),
                config.getShort(io.sessionlog.schemas.ClusterConfig.TOPIC_REPLICATION_FACTOR), time);
    }

    /** Kafka Streams' own metrics (threads, tasks, stores, clients) under {@code kafka.stream.*}. */
    public void bindMetrics(final MeterRegistry registry) {
        managed.bindMetrics(registry);
    }

    public KafkaStreams.State state() {
        return managed.state();
    }

    /** The role's state in /health: the Streams state, or {@code REBUILDING} while the read models are rebuilt. */
    public String stateName() {
        return rebuilding ? "REBUILDING" : managed.state().name();
    }

    /**
     * Rebuilds every read model from {@code events} and {@code sessions} (docs/operations.md), in the background:
     * this instance stops its projections, deletes their group, changelogs and local state, and starts them again
     * from the topics' start; its queries answer 503 until they have read what the topics held when it began.
     * Returns false when a rebuild is under way already.
     */
    public synchronized boolean rebuild() {
        if (rebuilding) {
            return false;
        }
        rebuilding = true;
        rebuild = new ProjectionsRebuild.Progress(java.time.Instant.ofEpochMilli(time.milliseconds()), 0, 0, null);
        final Thread thread = new Thread(this::runRebuild, "projections-rebuild");
        thread.setDaemon(true);
        thread.start();
        return true;
    }

    /** The rebuild under way or last ended, if any. */
    public java.util.Optional<ProjectionsRebuild.Progress> rebuildProgress() {
        return java.util.Optional.ofNullable(rebuild);
    }

    public boolean rebuilding() {
        return rebuilding;
    }

    private void runRebuild() {
        final java.time.Instant started = rebuild.startedAt();
        final String id = config.getString(ProjectionsConfig.APPLICATION_ID);
        final ProjectionsRebuild reset = new ProjectionsRebuild(io.sessionlog.schemas.ClusterConfig.kafkaClientConfig(config), id,
                List.of(config.topics().events(), config.topics().sessions()));
        LOG.info("rebuilding the read models of {}: stopping the projections", id);
        managed.close();
        try {
            reset.ensureAlone();
        } catch (Exception e) {
            LOG.warn("rebuild refused: {}", e.getMessage());
            rebuild = new ProjectionsRebuild.Progress(started, 0, 0, e.getMessage());
            restart();
            rebuilding = false;
            return;
        }
        try {
            final Map<TopicPartition, ProjectionsRebuild.Span> spans = reset.reset();
            final long total = ProjectionsRebuild.Progress.total(spans);
            // The closed instance removes its own local state: a new one would hold the state directory's lock and
            // leave the directory behind with a warning.
            managed.streams().cleanUp();
            restart();
            final long[] logged = {time.milliseconds()};
            ProjectionsRebuild.pollUntil(() -> {
                final long applied = reset.applied(spans);
                rebuild = new ProjectionsRebuild.Progress(started, applied, total, null);
                if (time.milliseconds() - logged[0] > 10_000) {
                    LOG.info("rebuilding the read models: {} of {} records applied", applied, total);
                    logged[0] = time.milliseconds();
                }
                return applied >= total || closed;
            }, java.time.Duration.ofMillis(500), null);
            rebuild = new ProjectionsRebuild.Progress(started, total, total, null);
            readModels().write();
            LOG.info("rebuilt the read models from {} records in {} s", total,
                    (time.milliseconds() - started.toEpochMilli()) / 1000);
        } catch (Exception e) {
            LOG.error("the rebuild of the read models failed: {}", e.toString());
            rebuild = new ProjectionsRebuild.Progress(started, 0, 0, e.toString());
            if (managed.state() == KafkaStreams.State.NOT_RUNNING || managed.state() == KafkaStreams.State.CREATED) {
                restart();
            }
        } finally {
            rebuilding = false;
        }
    }

    /** Starts the projections anew. */
    private synchronized void restart() {
        if (closed) {
            return;
        }
        final ManagedStreams next = streams.get();
        managed = next;
        next.start();
    }

    @Override
    public <K, V> ReadOnlyKeyValueStore<K, V> keyValueStore(final String name, final int partition, final boolean allowStale) {
        if (rebuilding) {
            throw new org.apache.kafka.streams.errors.InvalidStateStoreException("the read models are being rebuilt");
        }
        StoreQueryParameters<ReadOnlyKeyValueStore<K, V>> parameters =
                StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, V>keyValueStore());
        if (partition >= 0) {
            parameters = parameters.withPartition(partition);
        }
        if (allowStale) {
            parameters = parameters.enableStaleStores();
        }
        return UnsealedStore.of(name, managed.streams().store(parameters), unsealer);
    }

    @Override
    public String sourceTopic(final String store) {
        return switch (store) {
            case ProjectionNames.SESSIONS_STORE, ProjectionNames.OWNERS_STORE, ProjectionNames.SESSIONS_BY_TIME_STORE -> config.topics().sessions();
            case ProjectionNames.EVENTS_STORE, ProjectionNames.EVENT_IDS_STORE, ProjectionNames.EVENTS_BY_TIME_STORE,
                 ProjectionNames.CORRELATION_INDEX_STORE -> config.topics().events();
            default -> throw new IllegalArgumentException("store " + store + " is not split by the events or sessions topic");
        };
    }

    /** The partitions of the topic feeding {@code store} (events or sessions) that this instance holds active. */
    @Override
    public List<Integer> localPartitions(final String store) {
        if (rebuilding) {
            throw new org.apache.kafka.streams.errors.InvalidStateStoreException("the read models are being rebuilt");
        }
        if (managed.state() != KafkaStreams.State.RUNNING) {
            // Which partitions are ours is settled only while running: never answer a page without some of them.
            throw new org.apache.kafka.streams.errors.InvalidStateStoreException("the projections are " + managed.state());
        }
        final String source = sourceTopic(store);
        return managed.streams().streamsMetadataForStore(store).stream()
                .filter(metadata -> metadata.hostInfo().equals(self))
                .flatMap(metadata -> metadata.topicPartitions().stream())
                .filter(partition -> partition.topic().equals(source))
                .map(TopicPartition::partition).sorted().toList();
    }

    /** The partition of {@code key} in the store's source topic, and which instance holds it. */
    @Override
    public Route route(final String store, final String sessionKey, final boolean allowStale) {
        if (rebuilding) {
            return new Route.Unavailable("the read models are being rebuilt");
        }
        final KeyQueryMetadata owner;
        try {
            owner = managed.streams().queryMetadataForKey(store, sessionKey, Serdes.String().serializer());
        } catch (IllegalStateException e) {
            return new Route.Unavailable("the projections are " + managed.state());
        }
        if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE) || owner.activeHost().equals(HostInfo.unavailable())) {
            return allowStale && owner != null && owner.standbyHosts().contains(self)
                    ? new Route.Local(owner.partition(), true)
                    : new Route.Unavailable("no instance holds the partition of session " + sessionKey + " right now");
        }
        if (owner.activeHost().equals(self)) {
            return new Route.Local(owner.partition(), false);
        }
        if (allowStale && owner.standbyHosts().contains(self)) {
            return new Route.Local(owner.partition(), true);
        }
        return new Route.Remote(owner.activeHost().host() + ":" + owner.activeHost().port(), owner.partition());
    }

    @Override
    public List<Instance> instances() {
        return managed.streams().metadataForAllStreamsClients().stream()
                .map(m -> new Instance(m.hostInfo().host() + ":" + m.hostInfo().port(), m.hostInfo().equals(self),
                        partitions(m.topicPartitions()), partitions(m.standbyTopicPartitions())))
                .toList();
    }

    private static List<String> partitions(final java.util.Set<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::toString).sorted().toList();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        managed.close();
    }
}
