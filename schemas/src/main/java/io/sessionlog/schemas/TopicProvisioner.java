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
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates sessionlog's topics where they are missing, with the cleanup policy contract §3 gives each and the retention
 * {@link TopicSettings} asks for. Existing topics are left as they are: partition counts and configs of a running
 * cluster are the operator's. A config of an existing topic that differs from what sessionlog's configuration asks
 * is logged as a warning naming the key, once per start.
 */
public final class TopicProvisioner {

    /** One event may be 1 MiB and is carried with its canonical fields: records need room above Kafka's 1 MB default. */
    public static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {
    }

    /** {@link #ensureTopics(Map, Topics, int, short, TopicSettings)} with the default retention of every topic. */
    public static void ensureTopics(final Map<String, Object> adminConfig, final Topics topics, final int partitions,
                                    final short replicationFactor) {
        ensureTopics(adminConfig, topics, partitions, replicationFactor, TopicSettings.DEFAULTS);
    }

    public static void ensureTopics(final Map<String, Object> adminConfig, final Topics topics, final int partitions,
                                    final short replicationFactor, final TopicSettings settings) {
        final Optional<Short> replication = replicationFactor < 1 ? Optional.empty() : Optional.of(replicationFactor);
        final List<NewTopic> wanted = new ArrayList<>();
        for (final String name : topics.all()) {
            final Map<String, String> configs = new java.util.HashMap<>();
            settings.configsOf(topics, name).forEach((config, setting) -> configs.put(config, setting.value()));
            wanted.add(new NewTopic(name, Optional.of(partitions), replication).configs(configs));
        }
        try (Admin admin = Admin.create(adminConfig)) {
            final Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            warnWhereDifferent(admin, topics, settings, existing);
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

    /**
     * Logs each config of an existing topic that differs from what sessionlog's configuration asks, naming the key:
     * sessionlog does not change a running cluster's topics, the operator does ({@code kafka-configs --alter}).
     */
    private static void warnWhereDifferent(final Admin admin, final Topics topics, final TopicSettings settings,
                                           final Set<String> existing) throws ExecutionException, InterruptedException, TimeoutException {
        final List<ConfigResource> resources = topics.all().stream().filter(existing::contains)
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        if (resources.isEmpty()) {
            return;
        }
        final Map<ConfigResource, Config> actual = admin.describeConfigs(resources).all().get(60, TimeUnit.SECONDS);
        actual.forEach((resource, config) -> settings.configsOf(topics, resource.name()).forEach((name, wanted) -> {
            final ConfigEntry entry = config.get(name);
            final String value = entry == null ? null : entry.value();
            if (wanted.key() != null && !wanted.value().equals(value)) {
                LOG.warn("topic {} has {}={} but {} asks for {}: sessionlog leaves existing topics as they are; "
                        + "change the topic (kafka-configs --alter --entity-type topics --entity-name {} --add-config {}={}) "
                        + "or the key", resource.name(), name, value, wanted.key(), wanted.value(), resource.name(), name, wanted.value());
            }
        }));
    }
}
