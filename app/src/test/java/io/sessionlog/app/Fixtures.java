package io.sessionlog.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared fixtures of ../shared/fixtures (the path comes from the build). */
final class Fixtures {

    private Fixtures() {
    }

    static byte[] bytes(final String relative) {
        try {
            return Files.readAllBytes(Path.of(System.getProperty("sessionlog.fixtures", "../../shared/fixtures")).resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
