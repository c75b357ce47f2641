package io.sessionlog.projections.query;

import java.util.Set;

import io.sessionlog.schemas.avro.StampedEvent;

/**
 * The filters of {@code GET /v1/sessions/{id}/events}, all ANDed as flux0 and Parlant do: offset from
 * {@code minOffset}, type in {@code types} (any when empty), exact source, exact correlation id, correlation root,
 * deleted events only when asked for. Type, source and correlation id are matched as the answer shows them
 * ({@link Flux0View}).
 */
public record EventFilter(long minOffset, Set<String> types, String source, String correlationId,
                          String correlationRoot, boolean includeDeleted, int limit) {

    public static final int MAX_LIMIT = 10_000;

    /** The same filter from another offset on (an SSE stream moving forward). */
    public EventFilter from(final long offset) {
        return new EventFilter(Math.max(minOffset, offset), types, source, correlationId, correlationRoot, includeDeleted, limit);
    }

    public boolean matches(final StampedEvent stamped) {
        final var event = stamped.getEvent();
        return stamped.getOffset() >= minOffset
                && (includeDeleted || !event.getDeleted())
                && (types.isEmpty() || types.contains(Flux0View.type(event)))
                && (source == null || source.equals(Flux0View.source(event)))
                && (correlationId == null || correlationId.equals(Flux0View.correlationId(event)))
                && (correlationRoot == null || (stamped.getCorrelation() != null
                        && correlationRoot.equals(stamped.getCorrelation().getRoot())));
    }
}
