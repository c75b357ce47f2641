package io.sessionlog.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What Kafka Streams keeps on disk, store by store. */
final class StateSizes {

    private StateSizes() {
    }

    /** Bytes of each store under a Streams state folder, every task's copy summed, keyed {@code "<application.id> <store>"}. */
    static Map<String, Long> of(final Path stateDir) throws IOException {
        final Map<String, Long> bytes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.filter(Files::isRegularFile).forEach(file -> {
                final Path relative = stateDir.relativize(file);
                // <application.id>/<task>/rocksdb/<store>/…
                if (relative.getNameCount() > 4 && relative.getName(2).toString().equals("rocksdb")) {
                    bytes.merge(relative.getName(0) + " " + relative.getName(3), file.toFile().length(), Long::sum);
                }
            });
        }
        return bytes;
    }
}
