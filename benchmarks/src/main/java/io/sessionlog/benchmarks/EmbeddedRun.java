package io.sessionlog.benchmarks;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.sessionlog.app.Sessionlog;

/** A sessionlog on its embedded default for one benchmark run: a wiped data dir, free ports, the run's own settings. */
final class EmbeddedRun {

    private EmbeddedRun() {
    }

    /**
     * Empties {@code dataDir} and starts sessionlog in it with the embedded broker, registry and HTTP API on free ports;
     * {@code settings} (the benchmark's {@code -D} options, then its own) are applied over those.
     */
    static Sessionlog start(final Path dataDir, final Map<String, String> settings) throws Exception {
        Folders.empty(dataDir);
        return Sessionlog.start(config(dataDir, settings));
    }

    /** The settings of such a run, for a benchmark that starts sessionlog again over the same data dir. */
    static Map<String, String> config(final Path dataDir, final Map<String, String> settings) {
        final Map<String, String> config = new HashMap<>(Map.of("data.dir", dataDir.toString(),
                "embedded.kafka.port", "0", "registry.port", "0", "http.port", "0"));
        config.putAll(settings);
        return config;
    }
}
