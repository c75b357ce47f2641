package io.sessionlog.projections;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a rebuild of the read models does on the cluster, as Kafka's application reset tool does for a stopped
 * application: the projections' consumer group is deleted (so they read {@code events} and {@code sessions} from their
 * start again) and so are their changelog and repartition topics (so no state is restored). The local state is
 * removed by the service. Refused while another instance of the projections is in the group.
 */
public final class ProjectionsRebuild {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionsRebuild.class);
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** How far a rebuild is: records of the source topics applied (committed) of those there were when it started. */
    public record Progress(Instant startedAt, long applied, long total, String error) {

        static long total(final Map<TopicPartition, Span> spans) {
            return spans.values().stream().mapToLong(s -> s.end() - s.start()).sum();
        }
    }

    private final Map<String, Object> adminConfig;
    private final String applicationId;
    private final List<String> sources;

    ProjectionsRebuild(final Map<String, Object> adminConfig, final String applicationId, final List<String> sources) {
        this.adminConfig = adminConfig;
        this.applicationId = applicationId;
        this.sources = sources;
    }

    /** Fails when another instance is still a member of the projections' group: every instance must stop first. */
    void ensureAlone() throws Exception {
        try (Admin admin = Admin.create(adminConfig)) {
            final ConsumerGroupDescription group;
            try {
                group = admin.describeConsumerGroups(List.of(applicationId)).all().get(60, TimeUnit.SECONDS).get(applicationId);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GroupIdNotFoundException) {
                    return;
                }
                throw e;
            }
            if (!group.members().isEmpty()) {
                throw new IllegalStateException(group.members().size() + " other member(s) of " + applicationId
                        + " are running: stop the projections of every other instance, then rebuild");
            }
        }
    }

    /** Where each partition of the sources starts and ends: what a rebuild reads. */
    public record Span(long start, long end) {
    }

    /** Deletes the group and the internal topics; returns the span of each partition of the sources. */
    Map<TopicPartition, Span> reset() throws Exception {
        try (Admin admin = Admin.create(adminConfig)) {
            try {
                admin.deleteConsumerGroups(List.of(applicationId)).all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
            }
            final List<String> internal = admin.listTopics().names().get(60, TimeUnit.SECONDS).stream()
                    .filter(name -> name.startsWith(applicationId + "-") && (name.endsWith("-changelog") || name.endsWith("-repartition")))
                    .sorted().toList();
            if (!internal.isEmpty()) {
                admin.deleteTopics(internal).all().get(60, TimeUnit.SECONDS);
                awaitGone(admin, internal);
                LOG.info("deleted the projections' internal topics: {}", internal);
            }
            return ends(admin);
        }
    }

    private static void awaitGone(final Admin admin, final Collection<String> topics) throws Exception {
        try {
            pollUntil(() -> admin.listTopics().names().get(60, TimeUnit.SECONDS).stream().noneMatch(topics::contains),
                    Duration.ofMillis(200), WAIT);
        } catch (TimeoutException e) {
            throw new TimeoutException("the projections' internal topics are still there after " + WAIT.toSeconds() + " s");
        }
    }

    /**
     * Asks {@code done} every {@code every} on a scheduler of its own until it answers true, and returns then; fails
     * with what {@code done} threw, or with a TimeoutException after {@code atMost} (null: no bound).
     */
    public static void pollUntil(final java.util.concurrent.Callable<Boolean> done, final Duration every, final Duration atMost)
            throws Exception {
        final java.util.concurrent.ScheduledExecutorService scheduler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                runnable -> {
                    final Thread thread = new Thread(runnable, "projections-rebuild-poll");
                    thread.setDaemon(true);
                    return thread;
                });
        final java.util.concurrent.CompletableFuture<Void> reached = new java.util.concurrent.CompletableFuture<>();
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                if (done.call()) {
                    reached.complete(null);
                }
            } catch (Exception e) {
                reached.completeExceptionally(e);
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        try {
            if (atMost == null) {
                reached.get();
            } else {
                reached.get(atMost.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            scheduler.shutdownNow();
        }
    }

    private Map<TopicPartition, Span> ends(final Admin admin) throws Exception {
        final Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        final Map<TopicPartition, OffsetSpec> earliest = new java.util.HashMap<>();
        admin.describeTopics(sources).allTopicNames().get(60, TimeUnit.SECONDS).forEach((topic, description) ->
                description.partitions().forEach(p -> {
                    latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
                    earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
                }));
        final Map<TopicPartition, Long> starts = new java.util.HashMap<>();
        admin.listOffsets(earliest).all().get(60, TimeUnit.SECONDS).forEach((partition, info) -> starts.put(partition, info.offset()));
        final Map<TopicPartition, Span> spans = new java.util.HashMap<>();
        admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS).forEach((partition, info) ->
                spans.put(partition, new Span(starts.get(partition), info.offset())));
        return spans;
    }

    /** Records of {@code spans} the projections have committed so far. */
    long applied(final Map<TopicPartition, Span> spans) throws Exception {
        try (Admin admin = Admin.create(adminConfig)) {
            final Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
            long applied = 0;
            for (final Map.Entry<TopicPartition, Span> span : spans.entrySet()) {
                final OffsetAndMetadata offset = committed.get(span.getKey());
                applied += offset == null ? 0 : Math.max(0, Math.min(offset.offset(), span.getValue().end()) - span.getValue().start());
            }
            return applied;
        }
    }
}
