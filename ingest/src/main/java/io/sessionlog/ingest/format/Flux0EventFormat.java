package io.sessionlog.ingest.format;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventKind;
import io.sessionlog.schemas.avro.Origin;

/**
 * Format E: flux0's {@code EventDTO} (domain.md §1.1). The session is the route's {@code session_id}; the DTO has none.
 * {@code data} follows flux0's rules ({@link Flux0DataRules}); custom events take any object as data, as Parlant does. Unknown extra fields are kept in the raw payload, not refused.
 */
public final class Flux0EventFormat {

    public static final String SCHEMA_REF = "flux0.EventDTO";
    static final List<String> TYPES = List.of("message", "tool", "status", "custom");
    static final List<String> SOURCES = List.of("user", "ai_agent", "system");

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
            Flux0DataRules.check(type, data, in);
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
                .setAgentId(agentId(item.node().get("metadata")))
                .setSessionId(sessionKey)
                .setSchemaRef(SCHEMA_REF)
                .setRaw(ByteBuffer.wrap(item.raw()))
                .build());
    }

    /** flux0's own example metadata names the agent ({@code {"agent_id": …, "agent_name": …}}). */
    private static String agentId(final JsonNode metadata) {
        final JsonNode agent = metadata == null ? null : metadata.get("agent_id");
        return agent != null && agent.isTextual() && !agent.asText().isEmpty() ? agent.asText() : null;
    }
}
