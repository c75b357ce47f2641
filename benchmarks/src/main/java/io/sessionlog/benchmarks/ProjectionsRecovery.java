package io.sessionlog.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.sessionlog.projections.ProjectionsConfig;
import io.sessionlog.projections.ProjectionsService;
import io.sessionlog.projections.query.SessionUpdates;
import io.sessionlog.schemas.Topics;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;

/**
 * The projections' part of the recovery benchmark: applies every stamped event and view on the log, prints their state
 * store by store, then deletes that state and times the restore from the changelogs until the instance runs again.
 */
final class ProjectionsRecovery {

    private static final String APPLICATION_ID = "recovery-projections";

    private final LocalCluster cluster;
    private final Topics topics;
    private final Path stateDir;
    private final ConsumerLag lag;

    ProjectionsRecovery(final LocalCluster cluster, final Topics topics, final Path stateDir, final ConsumerLag lag) {
        this.cluster = cluster;
        this.topics = topics;
        this.stateDir = stateDir;
        this.lag = lag;
    }

    void run(final long events) throws Exception {
        final ProjectionsConfig config = new ProjectionsConfig(Map.of("kafka.bootstrap.servers", cluster.bootstrapServers(),
                "schema.registry.url", cluster.registryUrl(), "topic.prefix", topics.prefix(),
                ProjectionsConfig.APPLICATION_ID, APPLICATION_ID, ProjectionsConfig.STATE_DIR, stateDir.toString()));
        final Set<String> sources = Set.of(topics.events(), topics.sessions());
        // A transactional topic's partitions end with a commit marker the group never consumes: one offset each.
        final long end = lag.end(topics.events()) - lag.partitions(topics.events())
                + lag.end(topics.sessions()) - lag.partitions(topics.sessions());
        System.out.printf(Locale.ROOT, "projections: applying %,d stamped events and their views%n", events);
        final long start = System.nanoTime();
        try (ProjectionsService projections = new ProjectionsService(config, "localhost:1", new SessionUpdates())) {
            projections.start();
            final long[] printed = {0};
            Awaitility.await("the projections caught up").atMost(Duration.ofHours(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        final long done = lag.committed(APPLICATION_ID, sources);
                        if (done / 2_000_000 > printed[0]) {
                            printed[0] = done / 2_000_000;
                            System.out.printf(Locale.ROOT, "  applied %,d of %,d records%n", done, end);
                        }
                        return done >= end;
                    });
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "projections applied %,d records (events and views) in %.0f s: %,.0f events/s%n",
                end, seconds, events / seconds);

        long bytes = 0;
        System.out.println("projections' state on disk after a clean close:");
        for (final Map.Entry<String, Long> store : StateSizes.of(stateDir).entrySet()) {
            System.out.printf(Locale.ROOT, "  state %-50s %,10.1f MB, %,8.1f MB per million events%n", store.getKey(),
                    store.getValue() / 1e6, store.getValue() / 1e6 * 1_000_000 / events);
            bytes += store.getValue();
        }

        Folders.delete(stateDir.resolve(APPLICATION_ID));
        final long restoreStart = System.nanoTime();
        try (ProjectionsService projections = new ProjectionsService(config, "localhost:1", new SessionUpdates())) {
            projections.start();
            Awaitility.await("projections restored").atMost(Duration.ofHours(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> projections.state() == KafkaStreams.State.RUNNING);
            final double restore = (System.nanoTime() - restoreStart) / 1e9;
            System.out.printf(Locale.ROOT, "projections' local state deleted (%,.0f MB): restored from the changelogs and "
                    + "running in %.1f s (%,.0f MB/s of state)%n", bytes / 1e6, restore, bytes / 1e6 / restore);
        }
    }
}
