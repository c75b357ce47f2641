package io.sessionlog.projections.query;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.StampedEvent;

/**
 * What {@code GET /v1/events} filters on, all ANDed; type and source as {@link Flux0View} shows them; the time range
 * {@code [start, end)} of the event time; user and agent as the event itself names them; {@code fields}: equality on
 * the top-level fields of the document the producer sent (Syllable's {@code search_fields} semantics), compared as
 * text. Empty sets and nulls mean no condition.
 */
public record EventSearch(Instant start, Instant end, Set<String> types, Set<String> sources, Set<String> origins,
                          String sessionKey, String userId, String agentId, String correlationRoot,
                          Map<String, String> fields, boolean includeDeleted) {

    /** The one type an index scan can serve, or null when every event must be read. */
    public String indexedType() {
        return types.size() == 1 ? types.iterator().next() : null;
    }

    public boolean matches(final StampedEvent stamped, final java.util.function.Function<CanonicalEvent, JsonNode> sent) {
        final CanonicalEvent event = stamped.getEvent();
        if ((!includeDeleted && event.getDeleted())
                || (!types.isEmpty() && !types.contains(Flux0View.type(event)))
                || (!sources.isEmpty() && !sources.contains(Flux0View.source(event)))
                || (!origins.isEmpty() && !origins.contains(event.getOrigin().name().toLowerCase(Locale.ROOT)))
                || (sessionKey != null && !sessionKey.equals(stamped.getSessionKey()))
                || (userId != null && !userId.equals(event.getUserId()))
                || (agentId != null && !agentId.equals(event.getAgentId()))
                || (correlationRoot != null && (stamped.getCorrelation() == null
                        || !correlationRoot.equals(stamped.getCorrelation().getRoot())))) {
            return false;
        }
        if (fields.isEmpty()) {
            return true;
        }
        final JsonNode document = sent.apply(event);
        for (final Map.Entry<String, String> field : fields.entrySet()) {
            final JsonNode value = document == null ? null : document.get(field.getKey());
            if (value == null || value.isNull() || value.isContainerNode() || !field.getValue().equals(value.asText())) {
                return false;
            }
        }
        return true;
    }
}
