package io.sessionlog.projections.query;

import java.time.Instant;
import java.util.function.Predicate;

import io.sessionlog.schemas.avro.Origin;
import io.sessionlog.schemas.avro.SessionView;

/**
 * What {@code GET /v1/sessions} filters on; each value is compared as a {@code SessionDTO} shows it (an agent or user
 * never learned is {@code unknown}). Time ranges are half-open, {@code [after, before)}; null means no bound.
 */
public record SessionFilter(String agentId, String userId, Origin origin, String conversationId,
                            Instant createdAfter, Instant createdBefore, Instant activeAfter, Instant activeBefore,
                            String lastStatus, Boolean hasDeleted) implements Predicate<SessionView> {

    public static final SessionFilter NONE = new SessionFilter(null, null, null, null, null, null, null, null, null, null);

    /**
     * A session's last activity: the later of its creation and its latest event time. It never goes back (a late event
     * does not move it), which keeps a most-recent-first walk free of repeats.
     */
    public static Instant activity(final SessionView view) {
        final Instant last = view.getLastEventAt();
        return last != null && last.isAfter(view.getCreatedAt()) ? last : view.getCreatedAt();
    }

    @Override
    public boolean test(final SessionView view) {
        return (agentId == null || agentId.equals(Flux0View.owner(view.getAgentId())))
                && (userId == null || userId.equals(Flux0View.owner(view.getUserId())))
                && (origin == null || origin == view.getOrigin())
                && (conversationId == null || conversationId.equals(view.getConversationId()))
                && within(view.getCreatedAt(), createdAfter, createdBefore)
                && within(activity(view), activeAfter, activeBefore)
                && (lastStatus == null || lastStatus.equals(view.getLastStatus()))
                && (hasDeleted == null || hasDeleted == (view.getDeletedCount() > 0));
    }

    private static boolean within(final Instant time, final Instant after, final Instant before) {
        return (after == null || !time.isBefore(after)) && (before == null || time.isBefore(before));
    }
}
