package io.sessionlog.app.load;

import java.io.BufferedReader;
import java.nio.file.Path;
import java.util.Optional;

/** Runs the package-private loader from tests in other packages. */
public final class BulkLoaderProbe {

    public record Result(long written, long refused, long blank) {
    }

    private BulkLoaderProbe() {
    }

    public static Result load(final String url, final String format, final String key, final int batchLines,
                              final long fromLine, final BufferedReader in, final Path refusedFile) throws Exception {
        try (LoadReport report = new LoadReport(refusedFile)) {
            new BulkLoader(url, format, Optional.of(key), batchLines, 4 * 1024 * 1024).load(in, fromLine, report, bytes -> { });
            return new Result(report.written, report.refusedLines, report.blank);
        }
    }
}
