package io.sessionlog.ingest.format;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventKind;
import io.sessionlog.schemas.avro.Origin;

/**
 * Format K: what Inkeep analytics' {@code POST /events} takes (domain.md §1.4), every entity type its SDK's
 * {@code events.log} sends: {@code InsertConversationEvent}, {@code InsertMessageEvent} ({@code messageId}, no
 * conversation) and {@code InsertSearchEvent} ({@code searchQuery}, no conversation).
 *
 * <p>The session (docs/http-api.md, "Inkeep events"): a conversation event's {@code conversationId}; a message or search
 * event's conversation when it names one ({@code conversationId}, else {@code properties.conversationId}); else a
 * message event gets one session per message, {@code inkeep-message:<messageId>}, and a search event one session per
 * user and UTC day, {@code inkeep-search:<user>:<yyyy-MM-dd>} ({@code anonymous} without a user id). Without
 * {@code createdAt} the ingest time is taken (and marked as defaulted). The user id is {@code userProperties.userId},
 * else {@code userProperties.id}, stringified.
 */
public final class InkeepEventFormat {

    public static final String CONVERSATION = "conversation";
    public static final String MESSAGE = "message";
    public static final String SEARCH = "search";
    static final List<String> ENTITY_TYPES = List.of(CONVERSATION, MESSAGE, SEARCH);
    public static final String SCHEMA_REF = "inkeep.InsertConversationEvent";
    public static final String MESSAGE_SCHEMA_REF = "inkeep.InsertMessageEvent";
    public static final String SEARCH_SCHEMA_REF = "inkeep.InsertSearchEvent";
    static final String MESSAGE_SESSION_PREFIX = "inkeep-message:";
    static final String SEARCH_SESSION_PREFIX = "inkeep-search:";
    static final String ANONYMOUS = "anonymous";

    private InkeepEventFormat() {
    }

    /** The field that gives an event its session, for the error a bad session id gets. */
    static String sessionField(final ReadEvent read) {
        final CanonicalEvent event = read.event();
        if (CONVERSATION.equals(event.getEntityType()) || read.sessionKey().equals(event.getConversationId())) {
            return "conversationId";
        }
        return MESSAGE.equals(event.getEntityType()) ? "messageId" : "userProperties";
    }

    public static Optional<ReadEvent> read(final JsonItem item, final Instant now, final List<FieldError> errors) {
        final int before = errors.size();
        final ItemReader in = new ItemReader(item.index(), item.node(), errors);
        if (!in.isObject("an Inkeep InsertConversationEvent, InsertMessageEvent or InsertSearchEvent")) {
            return Optional.empty();
        }
        final Optional<String> id = in.optionalString("id");
        if (id.isPresent() && id.get().isEmpty()) {
            in.fail("id", "must not be empty");
        }
        final String type = in.requiredString("type");
        final String entityType = in.requiredEnum("entityType", ENTITY_TYPES);
        final Optional<String> conversationId = CONVERSATION.equals(entityType)
                ? Optional.ofNullable(in.requiredString("conversationId"))
                : in.optionalString("conversationId").filter(c -> !c.isEmpty());
        final String messageId = MESSAGE.equals(entityType) ? in.requiredString("messageId") : null;
        final String searchQuery = SEARCH.equals(entityType) ? in.requiredText("searchQuery") : null;
        final Optional<Instant> createdAt = in.optionalTime("createdAt");
        final Optional<String> projectId = in.optionalString("projectId");
        final Optional<String> integrationId = in.optionalString("integrationId");
        final Optional<String> properties = in.optionalObjectJson("properties");
        final Optional<String> userProperties = in.optionalObjectJson("userProperties");
        if (errors.size() > before) {
            return Optional.empty();
        }
        final String userId = userId(item.node().get("userProperties"));
        final Optional<String> conversation = conversationId.or(() -> namedInProperties(item.node().get("properties")));
        final Instant occurredAt = createdAt.orElse(now);
        final String sessionKey = conversation.orElseGet(() -> MESSAGE.equals(entityType)
                ? MESSAGE_SESSION_PREFIX + messageId
                : SEARCH_SESSION_PREFIX + (userId != null ? userId : ANONYMOUS) + ":" + occurredAt.atOffset(ZoneOffset.UTC).toLocalDate());
        return Optional.of(new ReadEvent(sessionKey, CanonicalEvent.newBuilder()
                .setEventId(id.orElseGet(() -> EventIds.derive("K", sessionKey, item.node())))
                .setOrigin(Origin.INKEEP)
                .setKind(EventKind.CUSTOM)
                .setType(type)
                .setOccurredAt(occurredAt)
                .setOccurredAtDefaulted(createdAt.isEmpty())
                .setConversationId(conversation.orElse(null))
                .setUserId(userId)
                .setProjectId(projectId.orElse(null))
                .setIntegrationId(integrationId.orElse(null))
                .setEntityType(entityType)
                .setMessageId(messageId)
                .setSearchQuery(searchQuery)
                .setPropertiesJson(properties.orElse(null))
                .setUserPropertiesJson(userProperties.orElse(null))
                .setSchemaRef(switch (entityType) {
                    case MESSAGE -> MESSAGE_SCHEMA_REF;
                    case SEARCH -> SEARCH_SCHEMA_REF;
                    default -> SCHEMA_REF;
                })
                .setRaw(ByteBuffer.wrap(item.raw()))
                .build()));
    }

    private static Optional<String> namedInProperties(final JsonNode properties) {
        final JsonNode named = properties == null ? null : properties.get("conversationId");
        return named != null && named.isTextual() && !named.asText().isEmpty() ? Optional.of(named.asText()) : Optional.empty();
    }

    private static String userId(final JsonNode userProperties) {
        if (userProperties == null || !userProperties.isObject()) {
            return null;
        }
        for (final String field : List.of("userId", "id")) {
            final JsonNode value = userProperties.get(field);
            if (value != null && (value.isTextual() || value.isNumber()) && !value.asText().isEmpty()) {
                return value.asText();
            }
        }
        return null;
    }
}
