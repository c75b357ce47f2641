package io.sessionlog.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionlog.schemas.avro.CanonicalEvent;

/**
 * Events in their origin's own shape, the one home of these answers: Inkeep's {@code Select…Event} (what
 * its {@code POST /events} answers, and what {@code ?shape=origin} reads back), and the document a producer sent.
 */
public final class OriginShapes {

    /** Inkeep's field that names what an event is about, by entity type, in place of conversationId. */
    private static final Map<String, String> SUBJECT_FIELD = Map.of(
            "conversation", "conversationId", "message", "messageId", "search", "searchQuery");
    /** The fields every Inkeep Select…Event has, beside its subject field. */
    private static final Set<String> INKEEP_FIELDS = Set.of("id", "type", "createdAt", "projectId", "integrationId",
            "properties", "userProperties", "entityType");

    private OriginShapes() {
    }

    /**
     * The stored event as Inkeep answers it: {@code SelectConversationEvent}, {@code SelectMessageEvent} or
     * {@code SelectSearchEvent} by its entity type, fields in Inkeep's order; {@code createdAt} is the time taken
     * (given, or the ingest time); fields the producer sent beyond Inkeep's own come after them when {@code withExtras}.
     */
    public static ObjectNode selectEvent(final CanonicalEvent event, final boolean withExtras) {
        final String entityType = event.getEntityType() != null ? event.getEntityType() : "conversation";
        final String subject = SUBJECT_FIELD.getOrDefault(entityType, "conversationId");
        final ObjectNode answer = Json.MAPPER.createObjectNode()
                .put("id", event.getEventId())
                .put("type", event.getType())
                .put(subject, switch (subject) {
                    case "messageId" -> event.getMessageId();
                    case "searchQuery" -> event.getSearchQuery();
                    default -> event.getConversationId();
                })
                .put("createdAt", Json.time(event.getOccurredAt()))
                .put("projectId", event.getProjectId())
                .put("integrationId", event.getIntegrationId());
        Json.putRaw(answer, "properties", event.getPropertiesJson());
        Json.putRaw(answer, "userProperties", event.getUserPropertiesJson());
        answer.put("entityType", entityType);
        if (withExtras) {
            final ObjectNode sent = sent(event);
            if (sent != null) {
                sent.fields().forEachRemaining(field -> {
                    if (!INKEEP_FIELDS.contains(field.getKey()) && !subject.equals(field.getKey())) {
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
