package io.sessionlog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sessionlog.schemas.TopicProvisioner;
import io.sessionlog.schemas.TopicSettings;
import io.sessionlog.schemas.Topics;
import io.sessionlog.testsupport.SharedKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** What sessionlog keeps and for how long: the topics it creates carry its retention, and a differing topic is named. */
@ExtendWith(SharedKafkaCluster.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TopicSettingsIT {

    private static final Map<String, Object> ADMIN = Map.of("bootstrap.servers", SharedKafkaCluster.bootstrapServers());

    @Test
    void createdTopicsKeepEventsForeverRawForThreeDaysAndBoundCompaction() throws Exception {
        final Topics topics = new Topics("retention-" + System.nanoTime() + ".");
        TopicProvisioner.ensureTopics(ADMIN, topics, 1, (short) 1);
        final Map<String, Config> configs = configs(topics);
        assertEquals("-1", configs.get(topics.events()).get("retention.ms").value(), "the system of record is kept forever");
        assertEquals("-1", configs.get(topics.events()).get("retention.bytes").value());
        assertEquals("259200000", configs.get(topics.raw()).get("retention.ms").value(), "the inbox: 3 days");
        assertEquals("21600000", configs.get(topics.raw()).get("segment.ms").value(), "a segment rolls within 6 hours, "
                + "so retention drops a record within 3 days and 6 hours, not 7 days more");
        assertEquals("604800000", configs.get(topics.rejected()).get("retention.ms").value());
        assertEquals("compact", configs.get(topics.sessions()).get("cleanup.policy").value());
        assertEquals("86400000", configs.get(topics.sessions()).get("max.compaction.lag.ms").value(),
                "a tombstone on sessions is compacted within a day");
    }

    @Test
    void anExistingTopicThatDiffersIsLeftAsItIsAndNamedWithItsKey() throws Exception {
        final Topics topics = new Topics("retention-differs-" + System.nanoTime() + ".");
        TopicProvisioner.ensureTopics(ADMIN, topics, 1, (short) 1);
        final Logger logger = (Logger) LoggerFactory.getLogger(TopicProvisioner.class);
        final ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            TopicProvisioner.ensureTopics(ADMIN, topics, 1, (short) 1, new TopicSettings(604_800_000L, -1, 259_200_000L,
                    604_800_000L, 86_400_000L));
        } finally {
            logger.detachAppender(logged);
        }
        final List<String> warnings = logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("topic " + topics.events() + " has retention.ms=-1 but topic.events.retention.ms asks for 604800000"),
                warnings.get(0));
        assertEquals("-1", configs(topics).get(topics.events()).get("retention.ms").value(), "the topic is the operator's");
    }

    private static Map<String, Config> configs(final Topics topics) throws Exception {
        try (Admin admin = Admin.create(ADMIN)) {
            final Map<ConfigResource, Config> described = admin.describeConfigs(topics.all().stream()
                    .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList()).all().get(30, TimeUnit.SECONDS);
            final Map<String, Config> byName = new java.util.HashMap<>();
            described.forEach((resource, config) -> byName.put(resource.name(), config));
            return byName;
        }
    }
}
