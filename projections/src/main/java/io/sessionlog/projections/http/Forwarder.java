package io.sessionlog.projections.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.javalin.http.Context;
import io.sessionlog.http.Problem;
import io.sessionlog.http.Problems;

/**
 * Sends a read to the instance that owns the session and relays its answer as is. A forwarded request carries a
 * header, so an instance never forwards one again: while ownership moves, the answer is 503, not a loop.
 */
final class Forwarder {

    static final String FORWARDED = "X-Sessionlog-Forwarded";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** {@code http} or {@code https}: every instance serves the API the same way. */
    private final String scheme;

    Forwarder(final String scheme) {
        this.scheme = scheme;
    }

    String url(final String hostPort, final String pathAndQuery) {
        return scheme + "://" + hostPort + pathAndQuery;
    }

    static boolean wasForwarded(final Context ctx) {
        return ctx.header(FORWARDED) != null;
    }

    /** One instance's JSON answer to {@code pathAndQuery}; anything but 200 is a 503 for the caller. */
    com.fasterxml.jackson.databind.JsonNode get(final String hostPort, final String pathAndQuery, final String authorization) {
        return exchange(hostPort, HttpRequest.newBuilder(URI.create(url(hostPort, pathAndQuery))).GET(), authorization);
    }

    /** One instance's JSON answer to a POST of {@code json} (a read that takes a body); anything but 200 is a 503. */
    com.fasterxml.jackson.databind.JsonNode post(final String hostPort, final String pathAndQuery, final byte[] json,
                                                 final String authorization) {
        return exchange(hostPort, HttpRequest.newBuilder(URI.create(url(hostPort, pathAndQuery)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json)), authorization);
    }

    private com.fasterxml.jackson.databind.JsonNode exchange(final String hostPort, final HttpRequest.Builder request,
                                                             final String authorization) {
        request.timeout(Duration.ofSeconds(10)).header(FORWARDED, "1");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            final HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw Problem.unavailable("instance " + hostPort + " answered " + response.statusCode() + "; retry");
            }
            return io.sessionlog.http.Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw Problem.unavailable("instance " + hostPort + " does not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problem.unavailable("interrupted while asking " + hostPort);
        }
    }

    /** Relays the owner's answer to this request; the answer is written when it comes, not on this thread. */
    void forward(final Context ctx, final String hostPort, final Duration timeout) {
        if (wasForwarded(ctx)) {
            throw Problem.unavailable("the session's partition is moving between instances; retry");
        }
        final String query = ctx.queryString() == null ? "" : "?" + ctx.queryString();
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(hostPort, ctx.path() + query)))
                .timeout(timeout).header(FORWARDED, "1").GET();
        final String authorization = ctx.header("Authorization");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        // Asynchronous: a forwarded long-poll waits on the owner without holding a server thread here.
        ctx.future(() -> http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray()).handle((response, failure) -> {
            if (failure != null) {
                final Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                Problems.write(ctx, Problem.unavailable("the instance holding the session (" + hostPort + ") does not answer: "
                        + cause.getMessage()));
                return null;
            }
            response.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
            response.headers().firstValue("Retry-After").ifPresent(v -> ctx.header("Retry-After", v));
            ctx.status(response.statusCode()).result(response.body());
            return null;
        }));
    }
}
