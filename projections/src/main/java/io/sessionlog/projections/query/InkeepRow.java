package io.sessionlog.projections.query;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.Origin;
import io.sessionlog.schemas.avro.StampedEvent;

/**
 * Any event as a row of Inkeep's events table ({@code EventsField}), so that Inkeep's query API runs over every
 * origin (docs/http-api.md, "Inkeep's query API"): {@code conversationId} is the session, {@code createdAt} the event
 * time, {@code type} the event's own type, {@code eventType} the Inkeep entity type ({@code conversation} for flux0
 * and Syllable events, which belong to a conversation), {@code properties} Inkeep's properties, Syllable's
 * attributes or flux0's data, {@code userProperties} Inkeep's, or {@code {"userId": …}} where the event names a user.
 */
public final class InkeepRow {

    /** Inkeep's EventsField values. */
    public static final List<String> FIELDS = List.of("id", "organizationId", "messageId", "conversationId", "createdAt",
            "projectId", "integrationId", "eventType", "type", "searchQuery", "properties", "userProperties");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode row;

    private InkeepRow(final ObjectNode row) {
        this.row = row;
    }

    public static InkeepRow of(final StampedEvent stamped) {
        final CanonicalEvent event = stamped.getEvent();
        final ObjectNode row = JsonNodeFactory.instance.objectNode()
                .put("id", event.getEventId())
                .putNull("organizationId")
                .put("messageId", event.getMessageId())
                .put("conversationId", stamped.getSessionKey())
                .put("createdAt", event.getOccurredAt().toString())
                .put("projectId", event.getProjectId())
                .put("integrationId", event.getIntegrationId())
                .put("eventType", event.getOrigin() == Origin.INKEEP && event.getEntityType() != null ? event.getEntityType() : "conversation")
                .put("type", event.getType())
                .put("searchQuery", event.getSearchQuery());
        row.set("properties", switch (event.getOrigin()) {
            case INKEEP -> parse(event.getPropertiesJson());
            case SYLLABLE -> parse(event.getAttributesJson());
            default -> parse(event.getDataJson());
        });
        if (event.getOrigin() == Origin.INKEEP) {
            row.set("userProperties", parse(event.getUserPropertiesJson()));
        } else if (event.getUserId() != null) {
            row.putObject("userProperties").put("userId", event.getUserId());
        } else {
            row.putNull("userProperties");
        }
        return new InkeepRow(row);
    }

    /** A field, or a value inside {@code properties}/{@code userProperties} along {@code path}; null when absent. */
    public JsonNode get(final String field, final List<String> path) {
        JsonNode value = row.get(field);
        for (final String step : path) {
            value = value == null || !value.isObject() ? null : value.get(step);
        }
        return value == null || value.isNull() ? null : value;
    }

    public ObjectNode asJson() {
        return row;
    }

    private static JsonNode parse(final String json) {
        if (json == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            return JsonNodeFactory.instance.nullNode();
        }
    }
}
