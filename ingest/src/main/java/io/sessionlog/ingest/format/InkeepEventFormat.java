package io.sessionlog.ingest.format;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventKind;
import io.sessionlog.schemas.avro.Origin;

/**
 * Format K: Inkeep analytics' {@code InsertConversationEvent} (domain.md §1.4). The session is the conversationId;
 * {@code entityType} must be {@code conversation}; without {@code createdAt} the ingest time is taken (and marked as
 * defaulted). The user id is {@code userProperties.userId}, else {@code userProperties.id}, stringified.
 */
public final class InkeepEventFormat {

    public static final String SCHEMA_REF = "inkeep.InsertConversationEvent";
    static final String ENTITY_TYPE = "conversation";

    private InkeepEventFormat() {
    }

    public static Optional<ReadEvent> read(final JsonItem item, final Instant now, final List<FieldError> errors) {
        final int before = errors.size();
        final ItemReader in = new ItemReader(item.index(), item.node(), errors);
        if (!in.isObject("an Inkeep InsertConversationEvent")) {
            return Optional.empty();
        }
        final Optional<String> id = in.optionalString("id");
        if (id.isPresent() && id.get().isEmpty()) {
            in.fail("id", "must not be empty");
        }
        final String type = in.requiredString("type");
        final String conversationId = in.requiredString("conversationId");
        in.requiredEnum("entityType", List.of(ENTITY_TYPE));
        final Optional<Instant> createdAt = in.optionalTime("createdAt");
        final Optional<String> projectId = in.optionalString("projectId");
        final Optional<String> integrationId = in.optionalString("integrationId");
        final Optional<String> properties = in.optionalObjectJson("properties");
        final Optional<String> userProperties = in.optionalObjectJson("userProperties");
        if (errors.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new ReadEvent(conversationId, CanonicalEvent.newBuilder()
                .setEventId(id.orElseGet(() -> EventIds.derive("K", conversationId, item.node())))
                .setOrigin(Origin.INKEEP)
                .setKind(EventKind.CUSTOM)
                .setType(type)
                .setOccurredAt(createdAt.orElse(now))
                .setOccurredAtDefaulted(createdAt.isEmpty())
                .setConversationId(conversationId)
                .setUserId(userId(item.node().get("userProperties")))
                .setProjectId(projectId.orElse(null))
                .setIntegrationId(integrationId.orElse(null))
                .setEntityType(ENTITY_TYPE)
                .setPropertiesJson(properties.orElse(null))
                .setUserPropertiesJson(userProperties.orElse(null))
                .setSchemaRef(SCHEMA_REF)
                .setRaw(ByteBuffer.wrap(item.raw()))
                .build()));
    }

    private static String userId(final JsonNode userProperties) {
        if (userProperties == null || !userProperties.isObject()) {
            return null;
        }
        for (final String field : List.of("userId", "id")) {
            final JsonNode value = userProperties.get(field);
            if (value != null && (value.isTextual() || value.isNumber())) {
                return value.asText();
            }
        }
        return null;
    }
}
