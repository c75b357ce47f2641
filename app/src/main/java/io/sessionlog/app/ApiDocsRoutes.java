package io.sessionlog.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import io.javalin.Javalin;
import io.javalin.router.ParsedEndpoint;
import io.sessionlog.console.Console;
import io.sessionlog.http.Json;
import io.sessionlog.http.Paths;

/**
 * {@code GET /openapi.json}, the OpenAPI 3.1 document of every route (its one home is {@code docs/openapi.json}, packed
 * into the jar), and {@code GET /}: the analyst console for a browser, an index of links for a client asking for JSON.
 */
final class ApiDocsRoutes {

    private static final String RESOURCE = "/openapi.json";

    private ApiDocsRoutes() {
    }

    static void register(final Javalin app, final Console console) {
        final byte[] document = document();
        app.get(Paths.OPENAPI, ctx -> ctx.contentType("application/json").result(document));
        app.get(Paths.INDEX, ctx -> {
            // A browser gets the console; a client asking for JSON gets the index of links.
            if (Console.wantsPage(ctx)) {
                console.answerIndex(ctx);
                return;
            }
            final var index = Json.MAPPER.createObjectNode().put("name", "sessionlog")
                    .put("description", "A Kafka-native event log for AI-agent and conversation platforms");
            index.putObject("links")
                    .put("console", Paths.INDEX)
                    .put("openapi", Paths.OPENAPI)
                    .put("sessions", Paths.SESSIONS)
                    .put("health", Paths.HEALTH_READY)
                    .put("metrics", Paths.METRICS);
            Json.answer(ctx, 200, index);
        });
    }

    /** Every registered route as {@code METHOD path}, the way the OpenAPI document names them. */
    static List<String> routes(final Javalin app) {
        return app.unsafeConfig().pvt.internalRouter.allHttpHandlers().stream()
                .map(ParsedEndpoint::getEndpoint)
                .filter(endpoint -> endpoint.getMethod().isHttpMethod())
                .map(endpoint -> endpoint.getMethod().name() + " " + endpoint.getPath())
                .sorted().distinct().toList();
    }

    private static byte[] document() {
        try (InputStream in = ApiDocsRoutes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
