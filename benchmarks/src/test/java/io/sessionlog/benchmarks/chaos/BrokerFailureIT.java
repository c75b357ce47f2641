package io.sessionlog.benchmarks.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.sessionlog.app.Sessionlog;
import io.sessionlog.testsupport.ForkedKafkaCluster;
import io.sessionlog.testsupport.SharedKafkaCluster;
import io.sessionlog.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brokers die under load and nothing acknowledged is lost: sessionlog joins a three-node cluster (each node in its own
 * JVM, replication 3, {@code min.insync.replicas} 2) while clients post events across hundreds of sessions, with
 * duplicates and deletes, retrying what is not acknowledged. One node is killed with SIGKILL, started again, then a
 * second one. Afterwards every acknowledged event has exactly one offset and every session's offsets are 0..n-1.
 */
@org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class BrokerFailureIT {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerFailureIT.class);

    @Test
    void killingBrokersOneAtATimeLosesNoAcknowledgedEventAndStampsEachOnce() throws Exception {
        final String prefix = "brokers-" + System.nanoTime() + ".";
        try (ForkedKafkaCluster cluster = ForkedKafkaCluster.start(SharedKafkaCluster.newTestDir("forked-kafka"), 3,
                Map.of("broker.session.timeout.ms", "3000", "broker.heartbeat.interval.ms", "500"), Duration.ofSeconds(90))) {
            final Map<String, String> settings = ChaosCommand.joining(cluster, prefix,
                    SharedKafkaCluster.newTestDir("brokers-app"), "ingest,processor,projections,registry");
            settings.put("topic.partitions", "4");
            try (Sessionlog app = Sessionlog.start(settings)) {
                org.awaitility.Awaitility.await("ready").atMost(Duration.ofSeconds(90)).until(app::ready);
                final ChaosLoad load = new ChaosLoad(app.httpUrl(), 200, 3, 42);
                load.start();
                awaitAcknowledged(load, 1_000);
                cluster.kill(1);
                awaitAcknowledged(load, load.acknowledged() + 1_000);
                cluster.restart(1, Duration.ofSeconds(90));
                awaitAcknowledged(load, load.acknowledged() + 500);
                cluster.kill(2);
                awaitAcknowledged(load, load.acknowledged() + 1_000);
                cluster.restart(2, Duration.ofSeconds(90));
                awaitAcknowledged(load, load.acknowledged() + 500);
                load.stop();

                final ChaosLoad.Outcome outcome = load.verify(cluster.bootstrapServers(), new Topics(prefix).events(),
                        app.registryUrl().orElseThrow(), Duration.ofSeconds(180));
                LOG.info("broker failures: {}", outcome);
                System.out.println("BrokerFailureIT: " + outcome);
                assertEquals(List.of(), outcome.lost(), "acknowledged events without an offset");
                assertEquals(List.of(), outcome.duplicated(), "events with more than one offset");
                assertEquals(List.of(), outcome.gapped(), "sessions whose offsets are not 0..n-1");
                assertTrue(outcome.acknowledged() > 3_000, "the load went on through the failures: " + outcome);
            }
        }
    }

    private static void awaitAcknowledged(final ChaosLoad load, final long count) {
        org.awaitility.Awaitility.await("acknowledged events").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    load.throwIfFailed();
                    return load.acknowledged() >= count;
                });
    }
}
