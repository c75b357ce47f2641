package io.sessionlog.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;

/** A small HTTP client for the app's tests. */
final class Http {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String key;

    Http(final String base) {
        this(base, null);
    }

    private Http(final String base, final String key) {
        this.base = base;
        this.key = key;
    }

    /** The same server, every request carrying {@code Authorization: Bearer key}. */
    Http withKey(final String apiKey) {
        return new Http(base, apiKey);
    }

    /** An answer; {@code stale} when a standby copy gave it (the Sessionlog-Stale header). */
    record Answer(int status, JsonNode body, String contentType, String retryAfter, boolean stale,
                  java.net.http.HttpHeaders headers) {
    }

    Answer post(final String path, final byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    Answer post(final String path, final String body) {
        return post(path, body.getBytes(StandardCharsets.UTF_8));
    }

    Answer patch(final String path, final String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
    }

    Answer get(final String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Answer delete(final String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    /** Polls {@code path} until {@code done} holds for its answer, or fails after {@code timeout}. */
    Answer awaitGet(final String path, final Predicate<Answer> done, final Duration timeout) {
        return Awaitility.await("GET " + path).atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> get(path), done::test);
    }

    static List<Long> offsets(final Answer answer) {
        return java.util.stream.StreamSupport.stream(answer.body().get("data").spliterator(), false)
                .map(e -> e.get("offset").asLong()).toList();
    }

    private Answer send(final HttpRequest.Builder request) {
        try {
            if (key != null) {
                request.header("Authorization", "Bearer " + key);
            }
            final HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            final String text = response.body();
            return new Answer(response.statusCode(), text.isEmpty() ? JSON.nullNode() : JSON.readTree(text),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("Retry-After").orElse(""),
                    response.headers().firstValue("Sessionlog-Stale").isPresent(), response.headers());
        } catch (IOException e) {
            throw new AssertionError("HTTP call failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
