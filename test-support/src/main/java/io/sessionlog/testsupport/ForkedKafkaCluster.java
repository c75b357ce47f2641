package io.sessionlog.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.sessionlog.embedded.EmbeddedKafkaCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka cluster in KRaft combined mode whose every node runs in a JVM of its own, so that a fault test can
 * kill one for real ({@code SIGKILL}: no shutdown hook, no flush) and start it again on the same data. The nodes take
 * the settings of {@link EmbeddedKafkaCluster} (replication 3, {@code min.insync.replicas} 2 with three nodes), and
 * their JVMs get the class path of this one.
 */
public final class ForkedKafkaCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ForkedKafkaCluster.class);

    private final Path dataDir;
    private final List<Path> propertyFiles = new ArrayList<>();
    private final List<Integer> brokerPorts = new ArrayList<>();
    private final List<Process> nodes = new ArrayList<>();

    private ForkedKafkaCluster(final Path dataDir) {
        this.dataDir = dataDir.toAbsolutePath();
    }

    /** Formats and starts {@code nodeCount} nodes, each in its own JVM, and waits until every broker is registered. */
    public static ForkedKafkaCluster start(final Path dataDir, final int nodeCount, final Map<String, String> overrides,
                                           final Duration timeout) {
        final ForkedKafkaCluster cluster = new ForkedKafkaCluster(dataDir);
        try {
            Files.createDirectories(cluster.dataDir);
            final String clusterId = EmbeddedKafkaCluster.clusterId(cluster.dataDir);
            final List<Integer> controllerPorts = new ArrayList<>();
            final List<Integer> free = EmbeddedKafkaCluster.freePorts(2 * nodeCount);
            for (int i = 0; i < nodeCount; i++) {
                cluster.brokerPorts.add(free.get(2 * i));
                controllerPorts.add(free.get(2 * i + 1));
            }
            final String voters = EmbeddedKafkaCluster.voters(controllerPorts);
            for (int i = 0; i < nodeCount; i++) {
                final Properties props = EmbeddedKafkaCluster.nodeProperties(cluster.dataDir, nodeCount, overrides, "PLAINTEXT", i + 1,
                        cluster.brokerPorts.get(i), controllerPorts.get(i), voters);
                cluster.propertyFiles.add(EmbeddedKafkaCluster.format(cluster.dataDir, clusterId, props, List.of()));
                cluster.nodes.add(null);
            }
            for (int i = 0; i < nodeCount; i++) {
                cluster.startNode(i);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka data folder " + dataDir, e);
        }
        cluster.awaitBrokers(nodeCount, timeout);
        LOG.info("forked Kafka cluster of {} node(s) ready on {}", nodeCount, cluster.bootstrapServers());
        return cluster;
    }

    public String bootstrapServers() {
        return brokerPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    public int nodeCount() {
        return nodes.size();
    }

    /** Kills node {@code index} (0-based) with SIGKILL and waits until its process is gone. */
    public void kill(final int index) {
        final Process node = nodes.get(index);
        node.destroyForcibly();
        try {
            if (!node.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("node " + (index + 1) + " did not die within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        LOG.info("killed Kafka node {} (SIGKILL)", index + 1);
    }

    /** Starts node {@code index} again on its data and waits until every node's broker is registered. */
    public void restart(final int index, final Duration timeout) {
        startNode(index);
        awaitBrokers(nodes.size(), timeout);
        LOG.info("Kafka node {} is back", index + 1);
    }

    public boolean isAlive(final int index) {
        return nodes.get(index).isAlive();
    }

    /** The log of node {@code index}'s JVM. */
    public Path log(final int index) {
        return dataDir.resolve("node-" + (index + 1) + ".log");
    }

    private void startNode(final int index) {
        final List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-cp", System.getProperty("java.class.path"), KafkaNodeMain.class.getName(),
                propertyFiles.get(index).toString());
        try {
            nodes.set(index, new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log(index).toFile())).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka node " + (index + 1), e);
        }
    }

    private void awaitBrokers(final int count, final Duration timeout) {
        EmbeddedKafkaCluster.awaitBrokers(bootstrapServers(), Map.of(), count, timeout);
    }

    /** Kills every node: their data is the test's, deleted with its folder. */
    @Override
    public void close() {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) != null && nodes.get(i).isAlive()) {
                kill(i);
            }
        }
    }
}
