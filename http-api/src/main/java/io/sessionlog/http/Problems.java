package io.sessionlog.http;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers every error of the API as problem+json; client errors are logged without stack traces. */
public final class Problems {

    public static final String CONTENT_TYPE = "application/problem+json";
    /** A refusal lists at most this many item errors, then says how many more there were. */
    public static final int MAX_LISTED_ERRORS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    public static void install(final Javalin app) {
        app.exception(Problem.class, (problem, ctx) -> write(ctx, problem));
        app.exception(HttpResponseException.class, (e, ctx) ->
                write(ctx, new Problem(e.getStatus(), e.getMessage(), null, java.util.List.of(), java.util.Map.of())));
        // Jetty's refusal of a request it was reading (a body below http.min.request.data.rate: 408): the client's doing.
        app.exception(org.eclipse.jetty.http.BadMessageException.class, (e, ctx) ->
                write(ctx, new Problem(e.getCode(), org.eclipse.jetty.http.HttpStatus.getMessage(e.getCode()), e.getReason(),
                        java.util.List.of(), java.util.Map.of("Connection", "close"))));
        app.exception(Exception.class, (e, ctx) -> {
            // The client learns that it failed, never how: exception texts name classes, hosts and data.
            LOG.error("{} {} failed", ctx.req().getMethod(), ctx.path(), e);
            write(ctx, new Problem(500, "Internal error", "the request failed on the server; its log has the details",
                    java.util.List.of(), java.util.Map.of()));
        });
        app.error(404, ctx -> {
            if (ctx.res().getContentType() == null || !ctx.res().getContentType().startsWith(CONTENT_TYPE)) {
                write(ctx, Problem.notFound("no route for " + ctx.req().getMethod() + " " + ctx.path()));
            }
        });
    }

    private static String code(final int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 431 -> "request_header_fields_too_large";
            case 422 -> "unprocessable_entity";
            case 429 -> "too_many_requests";
            case 503 -> "service_unavailable";
            case 504 -> "gateway_timeout";
            default -> status >= 500 ? "internal_server_error" : "bad_request";
        };
    }

    public static void write(final Context ctx, final Problem problem) {
        if (problem.status() < 500) {
            LOG.debug("{} {} -> {} {}", ctx.req().getMethod(), ctx.path(), problem.status(), problem.getMessage());
        }
        problem.headers().forEach(ctx::header);
        // Bytes, not a String: Javalin would encode a String in ISO-8859-1 for a media type without a charset, and
        // JSON media types define none (RFC 8259 §11): JSON is UTF-8.
        ctx.status(problem.status()).contentType(CONTENT_TYPE)
                .result(body(problem).toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The problem+json document of a problem; at most {@link #MAX_LISTED_ERRORS} item errors are listed. */
    public static ObjectNode body(final Problem problem) {
        final ObjectNode body = Json.MAPPER.createObjectNode()
                .put("type", problem.type())
                .put("title", problem.title())
                .put("status", problem.status());
        problem.detail().ifPresent(d -> body.put("detail", d));
        if (!problem.errors().isEmpty()) {
            final ArrayNode errors = body.putArray("errors");
            problem.errors().stream().limit(MAX_LISTED_ERRORS).forEach(e -> errors.addObject().put("index", e.index())
                    .put("field", e.field()).put("reason", e.reason()));
            if (problem.errors().size() > MAX_LISTED_ERRORS) {
                body.put("errors_not_listed", problem.errors().size() - MAX_LISTED_ERRORS);
            }
        }
        // Inkeep's SDK reads {"error": {"code", "message"}} from problem bodies: an RFC 9457 extension member.
        body.putObject("error").put("code", code(problem.status())).put("message", problem.detail().orElse(problem.title()));
        return body;
    }
}
