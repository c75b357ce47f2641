package io.sessionlog.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.sessionlog.app.SessionlogCommand;

/** A sessionlog in a JVM of its own (this program's classpath), so that killing it is a real SIGKILL. */
public final class ForkedSessionlog {

    private ForkedSessionlog() {
    }

    /** Starts {@code sessionlog run} with {@code settings}, its output appended to {@code log}. */
    public static Process start(final Map<String, String> settings, final Path log) throws IOException {
        final List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.sessionlog.schemas.avro",
                "-cp", System.getProperty("java.class.path"), SessionlogCommand.class.getName(), "run"));
        settings.forEach((key, value) -> {
            command.add("-D");
            command.add(key + "=" + value);
        });
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        // A benchmark stopped by a signal runs no finally block: its instances must not outlive it.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return process;
    }
}
