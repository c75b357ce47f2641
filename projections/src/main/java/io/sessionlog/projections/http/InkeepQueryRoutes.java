package io.sessionlog.projections.http;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.sessionlog.http.FieldError;
import io.sessionlog.http.Json;
import io.sessionlog.http.Problem;
import io.sessionlog.projections.query.InkeepAggregator;
import io.sessionlog.projections.query.InkeepQuery;
import io.sessionlog.projections.query.Router;

/**
 * {@code POST /v1/inkeep/query/events}: Inkeep's {@code POST /query/events}, so that its SDK's
 * {@code query.queryEvents} works unchanged with its server URL set to {@code {base}/v1/inkeep}, over every origin's
 * events. Every instance computes its part (partial aggregates) and this instance merges them; a query that cannot
 * be answered exactly is refused with 400 naming the part of the body.
 */
final class InkeepQueryRoutes {

    private final InkeepAggregator aggregator;
    private final Router router;
    private final Forwarder forwarder;

    InkeepQueryRoutes(final InkeepAggregator aggregator, final Router router, final Forwarder forwarder) {
        this.aggregator = aggregator;
        this.router = router;
        this.forwarder = forwarder;
    }

    void queryEvents(final Context ctx) {
        final byte[] body = ctx.bodyAsBytes();
        final InkeepQuery query;
        try {
            query = InkeepQuery.parse(body.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(body));
        } catch (IOException e) {
            throw refused("body", "is not JSON");
        } catch (InkeepQuery.Invalid invalid) {
            throw refused(invalid.field(), invalid.getMessage());
        }
        try {
            if (LocalScope.asked(ctx)) {
                Json.answer(ctx, 200, Queryable.queryable(() -> aggregator.partial(query)));
                return;
            }
            final List<JsonNode> parts = LocalScope.postedParts(ctx, router, forwarder, body,
                    () -> Queryable.queryable(() -> aggregator.partial(query)));
            Json.answer(ctx, 200, aggregator.answer(query, parts));
        } catch (InkeepQuery.Invalid invalid) {
            throw refused(invalid.field(), invalid.getMessage());
        }
    }

    private static Problem refused(final String field, final String reason) {
        return Problem.badRequest("this query cannot be answered exactly: " + field + " " + reason,
                List.of(new FieldError(0, field, reason)));
    }
}
