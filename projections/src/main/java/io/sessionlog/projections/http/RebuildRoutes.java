package io.sessionlog.projections.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.sessionlog.http.Paths;
import io.sessionlog.http.Scope;
import io.sessionlog.projections.ProjectionsRebuild;
import io.sessionlog.projections.ProjectionsService;

/**
 * {@code POST /v1/projections/rebuild} starts a rebuild of this instance's read models from the topics ({@code 202},
 * or {@code 409} while one runs); {@code GET} tells how far it is. Admin scope: it makes every query of the instance
 * answer 503 until done. {@code sessionlog rebuild projections} calls both.
 */
public final class RebuildRoutes {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ProjectionsService projections;

    public RebuildRoutes(final ProjectionsService projections) {
        this.projections = projections;
    }

    public void register(final Javalin app) {
        app.post(Paths.PROJECTIONS_REBUILD, this::start, Scope.ADMIN);
        app.get(Paths.PROJECTIONS_REBUILD, this::progress, Scope.ADMIN);
    }

    private void start(final Context ctx) {
        final boolean started = projections.rebuild();
        ctx.status(started ? 202 : 409).json(body());
    }

    private void progress(final Context ctx) {
        ctx.json(body());
    }

    private ObjectNode body() {
        final ObjectNode body = JSON.createObjectNode().put("rebuilding", projections.rebuilding());
        projections.rebuildProgress().ifPresent((ProjectionsRebuild.Progress progress) -> {
            body.put("started_at", progress.startedAt().toString()).put("applied", progress.applied()).put("total", progress.total());
            if (progress.error() != null) {
                body.put("error", progress.error());
            }
        });
        return body;
    }
}
