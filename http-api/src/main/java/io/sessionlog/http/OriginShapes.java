package io.sessionlog.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionlog.schemas.avro.CanonicalEvent;

/**
 * Events in their origin's own shape, the one home of these answers: Inkeep's {@code SelectConversationEvent} (what
 * its {@code POST /events} answers, and what {@code ?shape=origin} reads back), and the document a producer sent.
 */
public final class OriginShapes {

    /** The fields of Inkeep's SelectConversationEvent, in its order. */
    private static final List<String> INKEEP_FIELDS = List.of("id", "type", "conversationId", "createdAt", "projectId",
            "integrationId", "properties", "userProperties", "entityType");

    private OriginShapes() {
    }

    /**
     * The stored event as Inkeep's {@code SelectConversationEvent}: {@code createdAt} is the time taken (given, or the
     * ingest time); fields the producer sent beyond Inkeep's own come after them when {@code withExtras}.
     */
    public static ObjectNode selectConversationEvent(final CanonicalEvent event, final boolean withExtras) {
        final ObjectNode answer = Json.MAPPER.createObjectNode()
                .put("id", event.getEventId())
                .put("type", event.getType())
                .put("conversationId", event.getConversationId())
                .put("createdAt", Json.time(event.getOccurredAt()))
                .put("projectId", event.getProjectId())
                .put("integrationId", event.getIntegrationId());
        Json.putRaw(answer, "properties", event.getPropertiesJson());
        Json.putRaw(answer, "userProperties", event.getUserPropertiesJson());
        answer.put("entityType", event.getEntityType());
        if (withExtras) {
            final ObjectNode sent = sent(event);
            if (sent != null) {
                sent.fields().forEachRemaining(field -> {
                    if (!INKEEP_FIELDS.contains(field.getKey())) {
                        answer.set(field.getKey(), field.getValue());
                    }
                });
            }
        }
        return answer;
    }

    /** The JSON document the producer sent for this event, or null when the record does not carry it. */
    public static ObjectNode sent(final CanonicalEvent event) {
        final ByteBuffer raw = event.getRaw();
        if (raw == null || raw.remaining() == 0) {
            return null;
        }
        try {
            final JsonNode node = Json.MAPPER.readTree(raw.array(), raw.arrayOffset() + raw.position(), raw.remaining());
            return node instanceof ObjectNode object ? object : null;
        } catch (IOException unreadable) {
            return null;
        }
    }
}
