package io.sessionlog.projections.http;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.javalin.http.Context;
import io.sessionlog.http.FieldError;
import io.sessionlog.http.Problem;
import io.sessionlog.http.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code DELETE /v1/sessions?agent_id=…&user_id=…}: the hard delete of every session of an agent, of a user, or of
 * both at once (Parlant deletes sessions by agent and by customer). The sessions are found as a listing finds them,
 * on every instance, then each gets its own hard delete on the raw topic, in order with its events. Answers
 * {@code 204} once Kafka acknowledged every delete, with how many in {@code Sessionlog-Deleted-Sessions}.
 */
final class OwnerDeletes {

    static final String DELETED_HEADER = "Sessionlog-Deleted-Sessions";
    private static final Logger LOG = LoggerFactory.getLogger(OwnerDeletes.class);

    private final SessionListing listing;
    private final SessionDeleter deleter;

    OwnerDeletes(final SessionListing listing, final SessionDeleter deleter) {
        this.listing = listing;
        this.deleter = deleter;
    }

    void delete(final Context ctx) {
        final String agentId = owner(ctx, "agent_id");
        final String userId = owner(ctx, "user_id");
        if (agentId == null && userId == null) {
            throw Problem.badRequest("agent_id or user_id is required", List.of(new FieldError(0, "agent_id",
                    "is required, or user_id: DELETE /v1/sessions deletes the sessions of an agent or a user, never every session")));
        }
        final List<String> sessions = listing.ownedBy(agentId, userId, ctx.header("Authorization"));
        final CompletableFuture<?>[] sent = sessions.stream().map(deleter::delete).toArray(CompletableFuture[]::new);
        LOG.info("hard delete of {} sessions (agent_id={}, user_id={}) written", sessions.size(), agentId, userId);
        ctx.future(() -> CompletableFuture.allOf(sent).handle((done, failure) -> {
            if (failure != null) {
                Problems.write(ctx, Problem.unavailable("Kafka did not acknowledge every delete (" + failure.getMessage()
                        + "); retrying is safe: deleting a deleted session changes nothing"));
            } else {
                ctx.header(DELETED_HEADER, String.valueOf(sessions.size())).status(204);
            }
            return null;
        }));
    }

    /** The owner named by {@code name}, or null; a blank value and {@code unknown} (every session without one) name no one. */
    private static String owner(final Context ctx, final String name) {
        final String value = ctx.queryParam(name);
        if (value != null && (value.isBlank() || value.equals("unknown"))) {
            throw Problem.badRequest("invalid query parameter " + name, List.of(new FieldError(0, name,
                    "names no one: \"" + value + "\" would match every session that never learned its " + name)));
        }
        return value;
    }
}
