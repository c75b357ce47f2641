package io.sessionlog.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka cluster in KRaft combined mode (each node is broker and controller), started in this JVM from the
 * Kafka server jars: the storage is formatted, then each {@link KafkaRaftServer} starts. Data lives under one folder
 * and survives a restart with the same folder. This is the embedded default of the app and the broker of the
 * integration tests; it is not a mock.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);
    private static final String CLUSTER_ID_FILE = "cluster.id";

    private final Path dataDir;
    private final int nodeCount;
    private final int firstBrokerPort;
    private final Map<String, String> overrides;
    private final String listenerProtocol;
    private final Map<String, String> clientConfig;
    private final List<String> scramCredentials;
    private final List<KafkaRaftServer> servers = new ArrayList<>();
    private final List<Integer> brokerPorts = new ArrayList<>();

    private EmbeddedKafkaCluster(final Builder builder) {
        this.dataDir = builder.dataDir.toAbsolutePath();
        this.nodeCount = builder.nodes;
        this.firstBrokerPort = builder.brokerPort;
        this.overrides = Map.copyOf(builder.overrides);
        this.listenerProtocol = builder.listenerProtocol;
        this.clientConfig = Map.copyOf(builder.clientConfig);
        this.scramCredentials = List.copyOf(builder.scramCredentials);
    }

    public static Builder builder(final Path dataDir) {
        return new Builder(dataDir);
    }

    /** Formats the storage where it is new, starts every node and waits until all brokers are registered. */
    public EmbeddedKafkaCluster start(final Duration timeout) {
        final long started = System.nanoTime();
        try {
            Files.createDirectories(dataDir);
            final String clusterId = clusterId();
            final List<Integer> controllerPorts = new ArrayList<>();
            final List<Integer> free = freePorts(2 * nodeCount);
            for (int i = 0; i < nodeCount; i++) {
                brokerPorts.add(i == 0 && firstBrokerPort > 0 ? firstBrokerPort : free.get(2 * i));
                controllerPorts.add(free.get(2 * i + 1));
            }
            final String voters = voters(controllerPorts);
            final List<Properties> nodeProps = new ArrayList<>();
            for (int i = 0; i < nodeCount; i++) {
                final Properties props = nodeProperties(i + 1, brokerPorts.get(i), controllerPorts.get(i), voters);
                format(clusterId, props);
                nodeProps.add(props);
            }
            // Controllers of a multi-node quorum wait for each other: start them together.
            for (final Properties props : nodeProps) {
                servers.add(new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM));
            }
            runInParallel(servers, KafkaRaftServer::startup);
            awaitBrokers(bootstrapServers(), clientConfig, nodeCount, timeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka data folder " + dataDir, e);
        }
        LOG.info("Kafka ({} node(s)) ready on {} in {} ms, data in {}", nodeCount, bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), dataDir);
        return this;
    }

    public String bootstrapServers() {
        return brokerPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    public int nodeCount() {
        return nodeCount;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Stops every node. Nodes shut down together: one by one, the last would wait on a quorum already gone. */
    @Override
    public void close() {
        if (servers.isEmpty()) {
            return;
        }
        runInParallel(servers, KafkaRaftServer::shutdown);
        runInParallel(servers, KafkaRaftServer::awaitShutdown);
        servers.clear();
        LOG.info("Kafka stopped, data kept in {}", dataDir);
    }

    private Properties nodeProperties(final int nodeId, final int brokerPort, final int controllerPort,
                                      final String voters) {
        return nodeProperties(dataDir, nodeCount, overrides, listenerProtocol, nodeId, brokerPort, controllerPort, voters);
    }

    /** The settings of one combined-mode node of a cluster of {@code nodeCount}: also the forked nodes' settings. */
    public static Properties nodeProperties(final Path dataDir, final int nodeCount, final Map<String, String> overrides,
                                     final String protocol, final int nodeId, final int brokerPort,
                                     final int controllerPort, final String voters) {
        final int replication = Math.min(3, nodeCount);
        final int minIsr = Math.min(2, nodeCount);
        final Map<String, String> config = new LinkedHashMap<>();
        config.put("node.id", String.valueOf(nodeId));
        config.put("process.roles", "broker,controller");
        // One listener for clients and brokers alike, named after its protocol; the controllers' own stays plain.
        config.put("listeners", protocol + "://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        config.put("advertised.listeners", protocol + "://127.0.0.1:" + brokerPort);
        config.put("listener.security.protocol.map", protocol + ":" + protocol + ",CONTROLLER:PLAINTEXT");
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", protocol);
        config.put("controller.quorum.voters", voters);
        config.put("log.dirs", dataDir.resolve("node-" + nodeId).toString());
        config.put("offsets.topic.replication.factor", String.valueOf(replication));
        config.put("offsets.topic.num.partitions", "10");
        config.put("transaction.state.log.replication.factor", String.valueOf(replication));
        config.put("transaction.state.log.min.isr", String.valueOf(minIsr));
        config.put("transaction.state.log.num.partitions", "10");
        config.put("share.coordinator.state.topic.replication.factor", String.valueOf(replication));
        config.put("share.coordinator.state.topic.min.isr", String.valueOf(minIsr));
        config.put("default.replication.factor", String.valueOf(replication));
        config.put("min.insync.replicas", String.valueOf(minIsr));
        config.put("group.initial.rebalance.delay.ms", "0");
        // A crashed transactional producer's open transaction blocks read_committed readers until it is aborted:
        // look for timed-out transactions every second rather than every ten.
        config.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        // The cleaner's dedupe buffer defaults to 128 MB of heap per broker: far too much in-process.
        config.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        config.put("log.cleaner.threads", "1");
        config.put("num.network.threads", "2");
        config.put("num.io.threads", "4");
        config.putAll(overrides);
        final Properties props = new Properties();
        props.putAll(config);
        return props;
    }

    private void format(final String clusterId, final Properties props) throws IOException {
        format(dataDir, clusterId, props, scramCredentials);
    }

    /** Formats a node's storage (once; a formatted one is kept) and writes its properties file, which it returns. */
    public static Path format(final Path dataDir, final String clusterId, final Properties props, final List<String> scramCredentials)
            throws IOException {
        final Path propsFile = dataDir.resolve("node-" + props.getProperty("node.id") + ".properties");
        try (OutputStream out = Files.newOutputStream(propsFile)) {
            props.store(out, "written by sessionlog's embedded Kafka at each start");
        }
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final int status;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            final List<String> args = new ArrayList<>(List.of("format", "-t", clusterId, "-c", propsFile.toString(),
                    "--ignore-formatted"));
            // KRaft keeps SCRAM credentials in its metadata: a SASL/SCRAM-only cluster gets its first users at format.
            scramCredentials.forEach(credential -> args.addAll(List.of("--add-scram", credential)));
            status = StorageTool.execute(args.toArray(String[]::new), print);
        }
        if (status != 0) {
            throw new IllegalStateException("formatting Kafka storage failed: " + output.toString(StandardCharsets.UTF_8));
        }
        return propsFile;
    }

    private String clusterId() throws IOException {
        return clusterId(dataDir);
    }

    public static String clusterId(final Path dataDir) throws IOException {
        final Path file = dataDir.resolve(CLUSTER_ID_FILE);
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        final String id = Uuid.randomUuid().toString();
        Files.writeString(file, id, StandardCharsets.UTF_8);
        return id;
    }

    /** Waits until {@code nodeCount} brokers are registered with the cluster. */
    public static void awaitBrokers(final String bootstrapServers, final Map<String, String> clientConfig, final int nodeCount,
                             final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        final Map<String, Object> adminConfig = new java.util.HashMap<>(clientConfig);
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(adminConfig)) {
            while (true) {
                try {
                    final int brokers = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                    if (brokers == nodeCount) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    LOG.debug("Kafka not ready yet: {}", e.toString());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka did not register " + nodeCount + " broker(s) within " + timeout);
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }

    public static String voters(final List<Integer> controllerPorts) {
        final List<String> voters = new ArrayList<>();
        for (int i = 0; i < controllerPorts.size(); i++) {
            voters.add((i + 1) + "@127.0.0.1:" + controllerPorts.get(i));
        }
        return String.join(",", voters);
    }

    /**
     * {@code count} distinct free ports: every socket stays bound until all are, since a port released before the next
     * is asked for may be handed out again (a broker and its controller on one port fail to start).
     */
    public static List<Integer> freePorts(final int count) throws IOException {
        final List<ServerSocket> sockets = new ArrayList<>();
        try {
            final List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                final ServerSocket socket = new ServerSocket();
                sockets.add(socket);
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress("127.0.0.1", 0));
                ports.add(socket.getLocalPort());
            }
            return ports;
        } finally {
            for (final ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static <T> void runInParallel(final List<T> items, final java.util.function.Consumer<T> action) {
        CompletableFuture.allOf(items.stream()
                .map(item -> CompletableFuture.runAsync(() -> action.accept(item)))
                .toArray(CompletableFuture[]::new)).join();
    }

    /** Settings of an embedded cluster; everything but the data folder has a default. */
    public static final class Builder {
        private final Path dataDir;
        private int nodes = 1;
        private int brokerPort;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private String listenerProtocol = "PLAINTEXT";
        private final Map<String, String> clientConfig = new LinkedHashMap<>();
        private final List<String> scramCredentials = new ArrayList<>();

        private Builder(final Path dataDir) {
            this.dataDir = dataDir;
        }

        /** 1 for the embedded default, 3 for replication tests. */
        public Builder nodes(final int nodes) {
            if (nodes < 1) {
                throw new IllegalArgumentException("an embedded Kafka cluster needs at least one node, got " + nodes);
            }
            this.nodes = nodes;
            return this;
        }

        /** The first node's client port; 0 picks a free one. */
        public Builder brokerPort(final int port) {
            this.brokerPort = port;
            return this;
        }

        /**
         * The protocol of the listener clients and brokers use ({@code PLAINTEXT} by default; {@code SASL_SSL} with
         * its {@code listener.name.sasl_ssl.*} settings given by {@link #brokerConfig}).
         */
        public Builder listenerProtocol(final String protocol) {
            this.listenerProtocol = protocol;
            return this;
        }

        /** A client setting (security) that reaching the cluster needs, used while waiting for its brokers. */
        public Builder clientConfig(final String key, final String value) {
            clientConfig.put(key, value);
            return this;
        }

        /** A SCRAM user created when the storage is formatted: {@code SCRAM-SHA-512}, a name and a password. */
        public Builder scramUser(final String mechanism, final String name, final String password) {
            scramCredentials.add(mechanism + "=[name=" + name + ",password=" + password + "]");
            return this;
        }

        /** A broker setting, applied to every node after the defaults. */
        public Builder brokerConfig(final String key, final String value) {
            overrides.put(key, value);
            return this;
        }

        public EmbeddedKafkaCluster build() {
            return new EmbeddedKafkaCluster(this);
        }
    }
}
