package io.sessionlog.app.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Loads NDJSON into sessionlog through {@code POST /v1/bulk}, a batch of lines per request. A refused line never
 * stops the load: the server names the invalid lines of a refused batch, they go to the report and the rest of the
 * batch is sent again. Kafka back-pressure (429/503) is waited out; a batch over the request limit is halved.
 * Lines before {@code fromLine} are skipped, so an interrupted load resumes where it stopped.
 */
public final class BulkLoader {

    /** How a batch fared. */
    private record Outcome(boolean done, Map<Integer, String[]> refused, long retryAfterMillis, boolean tooLarge) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ATTEMPTS = 20;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI bulkUri;
    private final Optional<String> apiKey;
    private final int batchLines;
    private final int batchBytes;

    public BulkLoader(final String baseUrl, final String format, final Optional<String> apiKey, final int batchLines,
                      final int batchBytes) {
        this.bulkUri = URI.create(baseUrl.replaceAll("/+$", "") + io.sessionlog.http.Paths.BULK + "?format=" + format);
        this.apiKey = apiKey;
        this.batchLines = batchLines;
        this.batchBytes = batchBytes;
    }

    /**
     * Reads every line, sending those from {@code fromLine} (1-based) on; {@code progress} hears the bytes read.
     * @throws LoadStoppedException when the server could not take a batch after many attempts; the report then says
     *                              from which line to resume
     */
    void load(final BufferedReader in, final long fromLine, final LoadReport report, final LongConsumer progress)
            throws IOException, InterruptedException {
        final Map<Integer, Long> lineNumbers = new HashMap<>();
        final List<String> batch = new ArrayList<>();
        int bytes = 0;
        long lineNumber = 0;
        String line;
        while ((line = in.readLine()) != null) {
            lineNumber++;
            progress.accept(line.getBytes(StandardCharsets.UTF_8).length + 1L);
            if (lineNumber < fromLine) {
                continue;
            }
            if (line.isBlank()) {
                report.blank++;
                continue;
            }
            lineNumbers.put(batch.size(), lineNumber);
            batch.add(line);
            bytes += line.length() + 1;
            if (batch.size() >= batchLines || bytes >= batchBytes) {
                send(batch, lineNumbers, report);
                batch.clear();
                lineNumbers.clear();
                bytes = 0;
            }
        }
        if (!batch.isEmpty()) {
            send(batch, lineNumbers, report);
        }
        report.lastLineDone = lineNumber;
    }

    /** Sends one batch until every line of it is written or refused. */
    private void send(final List<String> lines, final Map<Integer, Long> lineNumbers, final LoadReport report)
            throws IOException, InterruptedException {
        List<String> pending = new ArrayList<>(lines);
        List<Long> numbers = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            numbers.add(lineNumbers.get(i));
        }
        int attempts = 0;
        while (!pending.isEmpty()) {
            final Outcome outcome = post(pending);
            if (outcome.done()) {
                report.written += pending.size();
                return;
            }
            if (outcome.tooLarge()) {
                if (pending.size() == 1) {
                    report.refuse(numbers.get(0), "line", "larger than the server's request limit", pending.get(0));
                    report.refusedLines++;
                    return;
                }
                final int half = pending.size() / 2;
                send(pending.subList(0, half), indexMap(numbers.subList(0, half)), report);
                send(pending.subList(half, pending.size()), indexMap(numbers.subList(half, numbers.size())), report);
                return;
            }
            if (!outcome.refused().isEmpty()) {
                final List<String> kept = new ArrayList<>();
                final List<Long> keptNumbers = new ArrayList<>();
                for (int i = 0; i < pending.size(); i++) {
                    final String[] why = outcome.refused().get(i);
                    if (why == null) {
                        kept.add(pending.get(i));
                        keptNumbers.add(numbers.get(i));
                    } else {
                        report.refuse(numbers.get(i), why[0], why[1], pending.get(i));
                        report.refusedLines++;
                    }
                }
                pending = kept;
                numbers = keptNumbers;
                continue;
            }
            if (++attempts >= MAX_ATTEMPTS) {
                throw new LoadStoppedException("the server did not take the batch from line " + numbers.get(0)
                        + " after " + MAX_ATTEMPTS + " attempts", numbers.get(0));
            }
            Thread.sleep(Math.max(outcome.retryAfterMillis(), 200L * attempts));
        }
    }

    private static Map<Integer, Long> indexMap(final List<Long> numbers) {
        final Map<Integer, Long> map = new HashMap<>();
        for (int i = 0; i < numbers.size(); i++) {
            map.put(i, numbers.get(i));
        }
        return map;
    }

    private Outcome post(final List<String> lines) throws InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(bulkUri).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines), StandardCharsets.UTF_8));
        apiKey.ifPresent(key -> request.header("Authorization", "Bearer " + key));
        final HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Outcome(false, Map.of(), 1_000, false);
        }
        return switch (response.statusCode()) {
            case 200, 202 -> new Outcome(true, Map.of(), 0, false);
            case 400 -> new Outcome(false, refusedLines(response.body(), lines.size()), 0, false);
            case 413 -> new Outcome(false, Map.of(), 0, true);
            case 401, 403 -> throw new LoadStoppedException("the server refused the API key: " + response.body(), -1);
            default -> new Outcome(false, Map.of(), retryAfter(response), false);
        };
    }

    /** Line index in the batch → {field, reason}; a refusal naming no line refuses the whole batch. */
    private static Map<Integer, String[]> refusedLines(final String body, final int size) {
        final Map<Integer, String[]> refused = new LinkedHashMap<>();
        try {
            final JsonNode errors = JSON.readTree(body).path("errors");
            errors.forEach(e -> refused.merge(e.path("index").asInt(), new String[] {e.path("field").asText(),
                    e.path("reason").asText()}, (a, b) -> new String[] {a[0] + ", " + b[0], a[1] + "; " + b[1]}));
        } catch (IOException e) {
            // handled below: an unreadable refusal refuses the batch
        }
        if (refused.isEmpty()) {
            for (int i = 0; i < size; i++) {
                refused.put(i, new String[] {"batch", "refused without details: " + body});
            }
        }
        return refused;
    }

    private static long retryAfter(final HttpResponse<String> response) {
        return response.headers().firstValue("Retry-After").map(v -> {
            try {
                return Long.parseLong(v.trim()) * 1_000;
            } catch (NumberFormatException e) {
                return 1_000L;
            }
        }).orElse(1_000L);
    }
}
