package io.sessionlog.http;

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
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    public static void install(final Javalin app) {
        app.exception(Problem.class, (problem, ctx) -> write(ctx, problem));
        app.exception(HttpResponseException.class, (e, ctx) ->
                write(ctx, new Problem(e.getStatus(), e.getMessage(), null, java.util.List.of(), java.util.Map.of())));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            write(ctx, new Problem(500, "Internal error", e.toString(), java.util.List.of(), java.util.Map.of()));
        });
        app.error(404, ctx -> {
            if (!CONTENT_TYPE.equals(ctx.res().getContentType())) {
                write(ctx, Problem.notFound("no route for " + ctx.method() + " " + ctx.path()));
            }
        });
    }

    private static String code(final int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 413 -> "payload_too_large";
            case 422 -> "unprocessable_entity";
            case 429 -> "too_many_requests";
            case 503 -> "service_unavailable";
            case 504 -> "gateway_timeout";
            default -> status >= 500 ? "internal_server_error" : "bad_request";
        };
    }

    public static void write(final Context ctx, final Problem problem) {
        if (problem.status() < 500) {
            LOG.debug("{} {} -> {} {}", ctx.method(), ctx.path(), problem.status(), problem.getMessage());
        }
        final ObjectNode body = Json.MAPPER.createObjectNode()
                .put("type", problem.type())
                .put("title", problem.title())
                .put("status", problem.status());
        problem.detail().ifPresent(d -> body.put("detail", d));
        if (!problem.errors().isEmpty()) {
            final ArrayNode errors = body.putArray("errors");
            problem.errors().forEach(e -> errors.addObject().put("index", e.index()).put("field", e.field())
                    .put("reason", e.reason()));
        }
        // Inkeep's SDK reads {"error": {"code", "message"}} from problem bodies: an RFC 9457 extension member.
        body.putObject("error").put("code", code(problem.status())).put("message", problem.detail().orElse(problem.title()));
        problem.headers().forEach(ctx::header);
        ctx.status(problem.status()).contentType(CONTENT_TYPE).result(body.toString());
    }
}
