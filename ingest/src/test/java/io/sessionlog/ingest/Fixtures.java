package io.sessionlog.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The inputs of the repository's testdata/ folder (the path comes from the build). */
public final class Fixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    public static Path dir() {
        return Path.of(System.getProperty("sessionlog.fixtures", "../testdata"));
    }

    public static List<Path> files(final String format) {
        try (Stream<Path> files = Files.list(dir().resolve(format))) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("fixtures not found under " + dir().toAbsolutePath(), e);
        }
    }

    public static byte[] bytes(final Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of testdata/ by its path there, such as {@code K/02.json}. */
    public static byte[] bytes(final String relative) {
        return bytes(dir().resolve(relative));
    }

    /** The cases of bad/cases.json whose route starts with the given prefix. */
    public static List<JsonNode> badCases(final String routePrefix) {
        try {
            final JsonNode cases = JSON.readTree(dir().resolve("bad/cases.json").toFile());
            return java.util.stream.StreamSupport.stream(cases.spliterator(), false)
                    .filter(c -> c.get("route").asText().startsWith(routePrefix)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
