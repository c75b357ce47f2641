package io.sessionlog.projections.http;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionlog.http.Json;
import io.sessionlog.http.OriginShapes;
import io.sessionlog.projections.query.Flux0View;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.Origin;
import io.sessionlog.schemas.avro.StampedEvent;

/**
 * Any event as a Syllable {@code Event} (domain.md §1.2), for Syllable's list shape: a Syllable event is the document
 * its producer sent; another origin's event maps onto Syllable's ten fields (docs/http-api.md, "Events across
 * sessions"): its time, session, conversation, the source shown, its id as {@code source_id}, its origin as
 * {@code category}, its own type, its user, and the whole event in {@code attributes}.
 */
final class SyllableEvents {

    private SyllableEvents() {
    }

    static ObjectNode of(final StampedEvent stamped) {
        final CanonicalEvent event = stamped.getEvent();
        if (event.getOrigin() == Origin.SYLLABLE) {
            final ObjectNode sent = OriginShapes.sent(event);
            if (sent != null) {
                return sent;
            }
        }
        final ObjectNode item = Json.MAPPER.createObjectNode()
                .put("timestamp", Json.time(event.getOccurredAt()))
                .put("session_id", stamped.getSessionKey())
                .put("conversation_id", event.getConversationId())
                .put("source", Flux0View.source(event))
                .put("source_id", event.getEventId())
                .put("category", event.getOrigin().name().toLowerCase(Locale.ROOT))
                .put("type", event.getType())
                .put("user_id", event.getUserId())
                .putNull("description");
        item.set("attributes", event.getOrigin() == Origin.FLUX0 ? Flux0Dtos.event(stamped) : Flux0Dtos.originData(event));
        return item;
    }

    /** Only the named fields ({@code fields}, Syllable's projection); all of them when none is named. */
    static JsonNode only(final ObjectNode item, final List<String> fields) {
        if (fields.isEmpty()) {
            return item;
        }
        final ObjectNode kept = Json.MAPPER.createObjectNode();
        fields.forEach(field -> {
            if (item.has(field)) {
                kept.set(field, item.get(field));
            }
        });
        return kept;
    }
}
