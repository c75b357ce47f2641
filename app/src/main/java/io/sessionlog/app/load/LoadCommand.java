package io.sessionlog.app.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sessionlog load}: NDJSON files or stdin into a running sessionlog, with progress and a refusal report. */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Load NDJSON (one event per line) into sessionlog through POST /v1/bulk. Refused lines never stop "
                + "the load: they are written, with their reasons, to the report file.")
public final class LoadCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "NDJSON file, or - for standard input.")
    String file;

    @Option(names = {"-f", "--format"}, required = true, description = "E (flux0 EventDTO with session_id), Y (Syllable), K (Inkeep).")
    String format;

    @Option(names = "--url", defaultValue = "http://localhost:8080", description = "sessionlog's HTTP API (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--api-key", defaultValue = "${env:SESSIONLOG_API_KEY}", description = "Bearer key with write scope (default: $SESSIONLOG_API_KEY).")
    String apiKey;

    @Option(names = "--from-line", defaultValue = "1", description = "Resume: skip the lines before this one (1-based).")
    long fromLine;

    @Option(names = "--batch-lines", defaultValue = "1000", description = "Lines per request (default: ${DEFAULT-VALUE}).")
    int batchLines;

    @Option(names = "--refused", description = "Report of refused lines (default: FILE.refused.ndjson, or refused.ndjson for stdin).")
    Path refusedFile;

    @Override
    public Integer call() throws IOException, InterruptedException {
        final boolean stdin = "-".equals(file);
        final Path report = refusedFile != null ? refusedFile : Path.of(stdin ? "refused.ndjson" : file + ".refused.ndjson");
        final BulkLoader loader = new BulkLoader(url, format.trim().toUpperCase(java.util.Locale.ROOT),
                Optional.ofNullable(apiKey).filter(k -> !k.isBlank()), batchLines, 4 * 1024 * 1024);
        final long started = System.nanoTime();
        try (LoadReport result = new LoadReport(report);
             BufferedReader in = stdin ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                     : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
             ProgressBar bar = progressBar(stdin ? -1 : Files.size(Path.of(file)))) {
            try {
                loader.load(in, fromLine, result, read -> {
                    bar.stepBy(read);
                    bar.setExtraMessage(result.written + " written, " + result.refusedLines + " refused");
                });
            } catch (LoadStoppedException e) {
                bar.close();
                System.err.println("load stopped: " + e.getMessage());
                System.err.println(summary(result, started));
                if (e.resumeLine() > 0) {
                    System.err.println("resume with: --from-line " + e.resumeLine());
                }
                return 1;
            }
            bar.close();
            System.out.println(summary(result, started));
            return 0;
        }
    }

    private static String summary(final LoadReport report, final long started) {
        final double seconds = Math.max(1e-3, Duration.ofNanos(System.nanoTime() - started).toMillis() / 1000.0);
        return String.format(java.util.Locale.ROOT, "%d line(s) written, %d refused%s, %d blank skipped, in %.1f s (%.0f lines/s)",
                report.written, report.refusedLines, report.refusedLines > 0 ? " (reasons in " + report.refusedFile() + ")" : "",
                report.blank, seconds, (report.written + report.refusedLines) / seconds);
    }

    private static ProgressBar progressBar(final long totalBytes) {
        return new ProgressBarBuilder().setTaskName("loading").setInitialMax(totalBytes)
                .setUnit(" MiB", 1024 * 1024).showSpeed().setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250).continuousUpdate().build();
    }
}
