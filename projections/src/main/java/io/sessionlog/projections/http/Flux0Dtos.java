package io.sessionlog.projections.http;

import java.util.Locale;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionlog.http.Json;
import io.sessionlog.http.OriginShapes;
import io.sessionlog.projections.query.Flux0View;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.Origin;
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
                .put("correlation_id", Flux0View.correlationId(event))
                .put("type", Flux0View.type(event))
                .put("source", Flux0View.source(event))
                .put("offset", stamped.getOffset());
        if (event.getOrigin() == Origin.FLUX0) {
            Json.putRaw(dto, "data", event.getDataJson() != null ? event.getDataJson() : "{}");
        } else {
            dto.set("data", originData(event));
        }
        dto.put("deleted", event.getDeleted());
        dto.put("created_at", Json.time(event.getOccurredAt()));
        if (event.getOrigin() == Origin.FLUX0) {
            Json.putRaw(dto, "metadata", event.getMetadataJson());
        } else {
            dto.putObject("metadata").put("origin", event.getOrigin().name().toLowerCase(Locale.ROOT))
                    .put("schema_ref", event.getSchemaRef());
        }
        return dto;
    }

    /**
     * The event as its origin sent it ({@code ?shape=origin}): a Syllable {@code Event} as sent, Inkeep's
     * {@code Select…Event} as its route answers (with any extra fields sent), a flux0 {@code EventDTO} as
     * sent with its id and sessionlog's offset. Unknown extra fields the producer sent come back too.
     */
    public static ObjectNode originEvent(final StampedEvent stamped) {
        final CanonicalEvent event = stamped.getEvent();
        return switch (event.getOrigin()) {
            case INKEEP -> OriginShapes.selectEvent(event, true);
            case FLUX0 -> {
                final ObjectNode sent = OriginShapes.sent(event);
                final ObjectNode dto = sent != null ? sent : event(stamped);
                dto.put("id", event.getEventId());
                dto.put("offset", stamped.getOffset());
                yield dto;
            }
            default -> originData(event);
        };
    }

    /**
     * A Syllable or Inkeep event's own fields, whole: the document the producer sent (unknown extra fields included),
     * or, for a record stamped before the events topic kept it, the fields sessionlog read from it.
     */
    static ObjectNode originData(final CanonicalEvent event) {
        final ObjectNode sent = OriginShapes.sent(event);
        if (sent != null) {
            return sent;
        }
        final ObjectNode data = Json.MAPPER.createObjectNode();
        if (event.getOrigin() == Origin.INKEEP) {
            return OriginShapes.selectEvent(event, false);
        } else {
            data.put("source", event.getSource()).put("source_id", event.getSourceId()).put("category", event.getCategory())
                    .put("type", event.getType()).put("description", event.getDescription())
                    .put("user_id", event.getUserId()).put("conversation_id", event.getConversationId())
                    .put("session_id", event.getSessionId());
            Json.putRaw(data, "attributes", event.getAttributesJson());
        }
        return data;
    }

    public static ObjectNode session(final SessionView view, final boolean withStats) {
        final ObjectNode dto = Json.MAPPER.createObjectNode()
                .put("id", view.getId())
                .put("agent_id", Flux0View.owner(view.getAgentId()))
                .put("user_id", Flux0View.owner(view.getUserId()));
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
            stats.put("origin", view.getOrigin().name().toLowerCase(Locale.ROOT));
            stats.put("conversation_id", view.getConversationId());
            final ObjectNode unread = stats.putObject("unread_counts");
            new TreeMap<>(view.getUnreadCounts()).forEach(unread::put);
        }
        return dto;
    }
}
