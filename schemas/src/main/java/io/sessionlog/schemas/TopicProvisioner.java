package io.sessionlog.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates sessionlog's topics where they are missing, with the cleanup policy contract §3 gives each. Existing topics
 * are left as they are: partition counts and configs of a running cluster are the operator's.
 */
public final class TopicProvisioner {

    /** One event may be 1 MiB and is carried with its canonical fields: records need room above Kafka's 1 MB default. */
    public static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {
    }

    public static void ensureTopics(final Map<String, Object> adminConfig, final Topics topics, final int partitions,
                                    final short replicationFactor) {
        final Optional<Short> replication = replicationFactor < 1 ? Optional.empty() : Optional.of(replicationFactor);
        final List<NewTopic> wanted = new ArrayList<>();
        for (final String name : topics.all()) {
            final String cleanup = name.equals(topics.sessions())
                    ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE;
            wanted.add(new NewTopic(name, Optional.of(partitions), replication).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, cleanup,
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(MAX_MESSAGE_BYTES))));
        }
        try (Admin admin = Admin.create(adminConfig)) {
            final Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            final List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            for (final var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(60, TimeUnit.SECONDS);
                    LOG.info("created topic {} ({} partitions)", entry.getKey(), partitions);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e);
                    }
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list or create topics: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
