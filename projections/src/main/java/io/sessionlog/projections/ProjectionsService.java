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

    private final ManagedStreams managed;
    private final ProjectionsConfig config;
    private final HostInfo self;
    /** Opens sealed content as queries read it (privacy.encryption); null when content is plain. */
    private volatile Unsealer unsealer;

    /** @param applicationServer {@code host:port} where this instance answers queries (application.server) */
    public ProjectionsService(final ProjectionsConfig config, final String applicationServer, final SessionUpdates updates) {
        this.config = config;
        this.self = HostInfo.buildFromEndpoint(applicationServer);
        this.managed = new ManagedStreams("projections", ProjectionsTopology.build(config.topics(), config.serdeConfig(), updates, config.statsRetention()),
                config.streamsProperties(applicationServer));
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
        managed.start();
    }

    /** Kafka Streams' own metrics (threads, tasks, stores, clients) under {@code kafka.stream.*}. */
    public void bindMetrics(final MeterRegistry registry) {
        managed.bindMetrics(registry);
    }

    public KafkaStreams.State state() {
        return managed.state();
    }

    @Override
    public <K, V> ReadOnlyKeyValueStore<K, V> keyValueStore(final String name, final int partition, final boolean allowStale) {
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
        managed.close();
    }
}
