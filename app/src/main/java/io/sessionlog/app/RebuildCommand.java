package io.sessionlog.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionlog.http.Paths;
import io.sessionlog.projections.ProjectionsRebuild;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sessionlog rebuild projections}: asks a running instance to rebuild its read models from the topics
 * ({@code POST /v1/projections/rebuild}) and follows it with a progress bar until it is done.
 */
@Command(name = "rebuild", mixinStandardHelpOptions = true,
        description = "Rebuild the read models of a running instance from sessionlog.events and sessionlog.sessions; "
                + "its queries answer 503 until it is done. Stop the projections of every other instance first.")
final class RebuildCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "WHAT", description = "What to rebuild: projections.")
    String what;

    @Option(names = "--url", defaultValue = "http://localhost:8080", description = "sessionlog's HTTP API (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--api-key", defaultValue = "${env:SESSIONLOG_API_KEY}", description = "Bearer key with admin scope (default: $SESSIONLOG_API_KEY).")
    String apiKey;

    @Override
    public Integer call() throws Exception {
        if (!"projections".equals(what)) {
            System.err.println("sessionlog rebuild: only 'projections' can be rebuilt, not '" + what + "'");
            return 2;
        }
        final HttpClient client = HttpClient.newHttpClient();
        final HttpResponse<String> started = client.send(request().POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 202 && started.statusCode() != 409) {
            System.err.println("sessionlog rebuild: " + started.statusCode() + " " + started.body());
            return 1;
        }
        if (started.statusCode() == 409) {
            System.err.println("a rebuild is under way already: following it");
        }
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("rebuilding").setInitialMax(0).setUnit(" records", 1)
                .showSpeed().setStyle(ProgressBarStyle.ASCII).build()) {
            final JsonNode[] last = new JsonNode[1];
            ProjectionsRebuild.pollUntil(() -> {
                last[0] = JSON.readTree(client.send(request().GET().build(), HttpResponse.BodyHandlers.ofString()).body());
                bar.maxHint(last[0].path("total").asLong());
                bar.stepTo(last[0].path("applied").asLong());
                return !last[0].path("rebuilding").asBoolean();
            }, Duration.ofMillis(500), null);
            if (last[0].has("error")) {
                System.err.println("sessionlog rebuild: " + last[0].get("error").asText());
                return 1;
            }
            return 0;
        }
    }

    private HttpRequest.Builder request() {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + Paths.PROJECTIONS_REBUILD)).timeout(Duration.ofSeconds(30));
        if (apiKey != null && !apiKey.isBlank()) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return request;
    }
}
