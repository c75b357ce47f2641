package io.sessionlog.projections.http;

import java.util.Locale;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionlog.http.Json;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;

/**
 * The read side's representations: exactly flux0's {@code EventDTO} and {@code SessionDTO} (domain.md §1.1, §1.3),
 * snake_case, same fields and types, times in RFC 3339 UTC. Anything more is opt-in.
 */
public final class Flux0Dtos {

    private Flux0Dtos() {
    }

    public static ObjectNode event(final StampedEvent stamped) {
        final CanonicalEvent event = stamped.getEvent();
        final ObjectNode dto = Json.MAPPER.createObjectNode()
                .put("id", event.getEventId())
                .put("correlation_id", event.getCorrelationId())
                // flux0's EventTypeDTO: the kind (Syllable's and Inkeep's own type strings stay in the Avro record).
                .put("type", event.getKind().name().toLowerCase(Locale.ROOT))
                .put("source", event.getSource())
                .put("offset", stamped.getOffset());
        Json.putRaw(dto, "data", event.getDataJson());
        dto.put("deleted", event.getDeleted());
        dto.put("created_at", Json.time(event.getOccurredAt()));
        Json.putRaw(dto, "metadata", event.getMetadataJson());
        return dto;
    }

    public static ObjectNode session(final SessionView view, final boolean withStats) {
        final ObjectNode dto = Json.MAPPER.createObjectNode()
                .put("id", view.getId())
                .put("agent_id", view.getAgentId())
                .put("user_id", view.getUserId());
        final ObjectNode offsets = dto.putObject("consumption_offsets");
        new TreeMap<>(view.getConsumptionOffsets()).forEach(offsets::put);
        dto.put("created_at", Json.time(view.getCreatedAt()));
        dto.put("title", view.getTitle());
        if (withStats) {
            final ObjectNode stats = dto.putObject("stats");
            stats.put("event_count", view.getEventCount());
            stats.put("deleted_count", view.getDeletedCount());
            stats.put("duplicate_count", view.getDuplicateCount());
            stats.put("last_offset", view.getLastOffset());
            stats.put("last_event_at", view.getLastEventAt() == null ? null : Json.time(view.getLastEventAt()));
            stats.put("last_status", view.getLastStatus());
            final ObjectNode unread = stats.putObject("unread_counts");
            new TreeMap<>(view.getUnreadCounts()).forEach(unread::put);
        }
        return dto;
    }
}
