package io.sessionlog.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folders a benchmark starts from scratch in: each run measures a fresh broker and fresh state. */
final class Folders {

    private Folders() {
    }

    /** Deletes {@code dir} and everything in it, if it exists. */
    static void delete(final Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** {@code dir}, empty. */
    static void empty(final Path dir) throws IOException {
        delete(dir);
        Files.createDirectories(dir);
    }
}
