package io.sessionlog.ingest.format;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventKind;
import io.sessionlog.schemas.avro.Origin;

/**
 * Format E: flux0's {@code EventDTO} (domain.md §1.1). The session is the route's {@code session_id}; the DTO has none.
 * {@code type} and {@code data.type} must agree (a tool event carries {@code tool_call_result} data); custom events
 * take any object as data, as Parlant does. Unknown extra fields are kept in the raw payload, not refused.
 */
public final class Flux0EventFormat {

    public static final String SCHEMA_REF = "flux0.EventDTO";
    static final List<String> TYPES = List.of("message", "tool", "status", "custom");
    static final List<String> SOURCES = List.of("user", "ai_agent", "system");
    static final List<String> STATUSES = List.of("acknowledged", "cancelled", "processing", "ready", "typing", "error", "completed");
    /** The data.type each event type requires; custom events take any data. */
    private static final Map<String, String> DATA_TYPE_BY_TYPE = Map.of(
            "message", "message", "tool", "tool_call_result", "status", "status");

    private Flux0EventFormat() {
    }

    /** The canonical event, or empty with the reasons added to {@code errors}. */
    public static Optional<CanonicalEvent> read(final JsonItem item, final String sessionKey, final List<FieldError> errors) {
        final int before = errors.size();
        final ItemReader in = new ItemReader(item.index(), item.node(), errors);
        if (!in.isObject("a flux0 EventDTO")) {
            return Optional.empty();
        }
        final Optional<String> id = in.optionalString("id").filter(s -> !s.isEmpty());
        final String correlationId = in.requiredString("correlation_id");
        final String type = in.requiredEnum("type", TYPES);
        final String source = in.requiredEnum("source", SOURCES);
        final Optional<Long> originOffset = in.optionalNonNegativeLong("offset");
        final JsonNode data = in.requiredObject("data");
        if (data != null && type != null) {
            checkData(type, data, in);
        }
        final boolean deleted = in.optionalBoolean("deleted", false);
        final var createdAt = in.requiredTime("created_at");
        final Optional<String> metadata = in.optionalObjectJson("metadata");
        if (errors.size() > before) {
            return Optional.empty();
        }
        return Optional.of(CanonicalEvent.newBuilder()
                .setEventId(id.orElseGet(() -> EventIds.derive("E", sessionKey, item.node())))
                .setOrigin(Origin.FLUX0)
                .setKind(EventKind.valueOf(type.toUpperCase(Locale.ROOT)))
                .setType(type)
                .setSource(source)
                .setCorrelationId(correlationId)
                .setOriginOffset(originOffset.orElse(null))
                .setOccurredAt(createdAt)
                .setDeleted(deleted)
                .setDataJson(data.toString())
                .setMetadataJson(metadata.orElse(null))
                .setSessionId(sessionKey)
                .setSchemaRef(SCHEMA_REF)
                .setRaw(ByteBuffer.wrap(item.raw()))
                .build());
    }

    private static void checkData(final String type, final JsonNode data, final ItemReader in) {
        final String expected = DATA_TYPE_BY_TYPE.get(type);
        if (expected == null) {
            return;
        }
        final JsonNode dataType = data.get("type");
        if (dataType == null || !expected.equals(dataType.asText())) {
            in.fail("data.type", "type " + type + " needs data.type " + expected
                    + (dataType == null ? ", and data has no type" : ", not " + dataType));
            return;
        }
        switch (type) {
            case "message" -> {
                if (!data.path("parts").isArray()) {
                    in.fail("data.parts", "a message needs parts: an array of content, reasoning or tool_call parts");
                }
            }
            case "status" -> {
                final JsonNode status = data.get("status");
                if (status == null || !STATUSES.contains(status.asText())) {
                    in.fail("data.status", "must be " + ItemReader.oneOf(STATUSES) + ", not " + status);
                }
            }
            case "tool" -> {
                if (!data.path("tool_calls").isArray()) {
                    in.fail("data.tool_calls", "a tool event needs tool_calls: an array");
                }
            }
            default -> throw new IllegalStateException("no data rule for type " + type);
        }
    }
}
