package io.sessionlog.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/** One Kafka node in a JVM of its own (see {@link ForkedKafkaCluster}): {@code KafkaNodeMain <node.properties>}. */
public final class KafkaNodeMain {

    private KafkaNodeMain() {
    }

    public static void main(final String[] args) throws IOException {
        final Properties props = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            props.load(in);
        }
        final KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "kafka-node-shutdown"));
        server.startup();
        server.awaitShutdown();
    }
}
