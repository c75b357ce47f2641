package io.sessionlog.ingest.format;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventKind;
import io.sessionlog.schemas.avro.Origin;

/**
 * Format Y: Syllable's {@code Event} (domain.md §1.2). Only {@code timestamp} is required by Syllable; we also need a
 * session: {@code session_id}, else {@code conversation_id} (contract §2). Syllable events have no id, so every one
 * gets the deterministic id; {@code source}, {@code category} and {@code type} are open strings, not validated.
 */
public final class SyllableEventFormat {

    public static final String SCHEMA_REF = "syllable.Event";
    static final String TOOL_CALL = "tool-call";

    private SyllableEventFormat() {
    }

    /** The session key of an item, or empty when it has none (the caller reports the error). */
    static Optional<String> sessionKey(final JsonItem item) {
        return text(item, "session_id").or(() -> text(item, "conversation_id"));
    }

    public static Optional<ReadEvent> read(final JsonItem item, final List<FieldError> errors) {
        final int before = errors.size();
        final ItemReader in = new ItemReader(item.index(), item.node(), errors);
        if (!in.isObject("a Syllable Event")) {
            return Optional.empty();
        }
        final var timestamp = in.requiredTime("timestamp");
        final Optional<String> sessionId = in.optionalString("session_id");
        final Optional<String> conversationId = in.optionalString("conversation_id");
        final Optional<String> source = in.optionalString("source");
        final Optional<String> sourceId = in.optionalString("source_id");
        final Optional<String> category = in.optionalString("category");
        final Optional<String> type = in.optionalString("type");
        final Optional<String> userId = in.optionalString("user_id");
        final Optional<String> description = in.optionalString("description");
        final Optional<String> attributes = in.optionalObjectJson("attributes");
        final Optional<String> session = sessionId.filter(s -> !s.isEmpty()).or(() -> conversationId.filter(s -> !s.isEmpty()));
        if (session.isEmpty() && errors.size() == before) {
            in.fail("session_id", "neither session_id nor conversation_id is given: a Syllable event needs one of them "
                    + "to find its session");
        }
        if (errors.size() > before) {
            return Optional.empty();
        }
        final String sessionKey = session.get();
        return Optional.of(new ReadEvent(sessionKey, CanonicalEvent.newBuilder()
                .setEventId(EventIds.derive("Y", sessionKey, item.node()))
                .setOrigin(Origin.SYLLABLE)
                .setKind(TOOL_CALL.equals(source.orElse(null)) ? EventKind.TOOL : EventKind.CUSTOM)
                .setType(type.orElse(null))
                .setSource(source.orElse(null))
                .setSourceId(sourceId.orElse(null))
                .setCategory(category.orElse(null))
                .setOccurredAt(timestamp)
                .setSessionId(sessionId.orElse(null))
                .setConversationId(conversationId.orElse(null))
                .setUserId(userId.orElse(null))
                .setDescription(description.orElse(null))
                .setAttributesJson(attributes.orElse(null))
                .setSchemaRef(SCHEMA_REF)
                .setRaw(ByteBuffer.wrap(item.raw()))
                .build()));
    }

    private static Optional<String> text(final JsonItem item, final String field) {
        final var value = item.node().get(field);
        return value != null && value.isTextual() && !value.asText().isEmpty() ? Optional.of(value.asText()) : Optional.empty();
    }
}
