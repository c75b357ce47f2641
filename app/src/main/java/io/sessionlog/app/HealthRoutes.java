package io.sessionlog.app;

import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.sessionlog.http.Json;
import io.sessionlog.http.Paths;
import io.sessionlog.http.Problem;

/** {@code /health/live} (the process answers) and {@code /health/ready} (every Streams app of this process RUNNING). */
final class HealthRoutes {

    private HealthRoutes() {
    }

    /** The readiness rule: every role of the process is up (ingest) or RUNNING (a Streams app). */
    static boolean isReady(final Map<String, String> states) {
        return states.values().stream().allMatch(state -> state.equals("RUNNING") || state.equals("UP"));
    }

    /** @param states each running role's state, read at request time */
    static void register(final Javalin app, final Supplier<Map<String, String>> states) {
        app.get(Paths.HEALTH_LIVE, ctx -> Json.answer(ctx, 200, Json.MAPPER.createObjectNode().put("status", "UP")));
        app.get(Paths.HEALTH_READY, ctx -> {
            final Map<String, String> current = states.get();
            final boolean ready = isReady(current);
            final ObjectNode body = Json.MAPPER.createObjectNode().put("status", ready ? "UP" : "DOWN");
            final ObjectNode roles = body.putObject("roles");
            current.forEach(roles::put);
            if (!ready) {
                ctx.header("Retry-After", String.valueOf(Problem.RETRY_AFTER_SECONDS));
            }
            Json.answer(ctx, ready ? 200 : 503, body);
        });
    }
}
