package io.sessionlog.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import io.sessionlog.embedded.EmbeddedKafkaCluster;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One single-node Kafka cluster shared by every integration test of a test JVM: started on first use, stopped and
 * deleted when the JVM's test run ends. Its data lives under {@code target/} so nothing leaks. Tests that share it
 * must use topic names and application ids of their own.
 *
 * <pre>{@code
 * @ExtendWith(SharedKafkaCluster.class)
 * class SomethingIT {
 *     String bootstrap = SharedKafkaCluster.bootstrapServers();
 * }
 * }</pre>
 */
public final class SharedKafkaCluster implements BeforeAllCallback {

    private static final String KEY = SharedKafkaCluster.class.getName();
    private static volatile EmbeddedKafkaCluster cluster;

    @Override
    public void beforeAll(final ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(KEY, key -> startShared(), Handle.class);
    }

    /** The shared cluster's bootstrap servers; the test class must carry {@code @ExtendWith(SharedKafkaCluster.class)}. */
    public static String bootstrapServers() {
        if (cluster == null) {
            throw new IllegalStateException("add @ExtendWith(SharedKafkaCluster.class) to the test class");
        }
        return cluster.bootstrapServers();
    }

    /** A fresh folder under {@code target/} for a test's own cluster or state. */
    public static Path newTestDir(final String name) {
        try {
            return Files.createDirectories(Path.of("target", "it-data")).resolve(name + "-" + System.nanoTime());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Handle startShared() {
        final Path dir = newTestDir("shared-kafka");
        cluster = EmbeddedKafkaCluster.builder(dir).build().start(Duration.ofSeconds(60));
        return new Handle(cluster, dir);
    }

    /** Closed by JUnit when the root context ends, that is after the last test of the JVM. */
    private record Handle(EmbeddedKafkaCluster cluster, Path dir) implements AutoCloseable {
        @Override
        public void close() {
            cluster.close();
            deleteRecursively(dir);
        }
    }

    public static void deleteRecursively(final Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
