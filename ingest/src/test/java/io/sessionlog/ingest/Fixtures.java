package io.sessionlog.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The shared fixtures of ../shared/fixtures (the path comes from the build). */
public final class Fixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    public static Path dir() {
        return Path.of(System.getProperty("sessionlog.fixtures", "../../shared/fixtures"));
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
