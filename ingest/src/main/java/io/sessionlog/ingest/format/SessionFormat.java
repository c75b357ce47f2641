package io.sessionlog.ingest.format;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionlog.schemas.avro.SessionPatched;
import io.sessionlog.schemas.avro.SessionUpserted;

/**
 * Format S, flux0's {@code SessionDTO} as a create/upsert ({@code POST /v1/sessions}), and the session patch
 * ({@code PATCH /v1/sessions/{id}}: consumption offsets per consumer, and the title, which {@code null} removes).
 * Consumption offsets are any integer &gt;= 0 per consumer name, as Parlant takes them.
 */
public final class SessionFormat {

    public static final int MAX_TITLE = 200;
    static final List<String> MODES = List.of("auto", "manual");

    private SessionFormat() {
    }

    /** An upsert, keyed by the given id or a generated one. */
    public static Optional<SessionUpserted> readUpsert(final JsonItem item, final List<FieldError> errors) {
        final int before = errors.size();
        final ItemReader in = new ItemReader(item.index(), item.node(), errors);
        if (!in.isObject("a flux0 SessionDTO")) {
            return Optional.empty();
        }
        final Optional<String> id = in.optionalString("id");
        if (id.isPresent() && (id.get().isBlank() || id.get().length() > 256)) {
            in.fail("id", "must be 1 to 256 characters");
        }
        final String agentId = in.requiredString("agent_id");
        final Optional<String> userId = in.optionalString("user_id");
        final Optional<String> title = title(in);
        final Optional<String> mode = in.optionalString("mode");
        if (mode.isPresent() && !MODES.contains(mode.get())) {
            in.fail("mode", "must be auto or manual, not \"" + mode.get() + "\"");
        }
        final var createdAt = in.optionalTime("created_at");
        final Optional<Map<String, Long>> offsets = consumptionOffsets(item.node(), in);
        if (errors.size() > before) {
            return Optional.empty();
        }
        return Optional.of(SessionUpserted.newBuilder()
                .setId(id.orElseGet(SessionIds::generate))
                .setAgentId(agentId)
                .setUserId(userId.orElse(null))
                .setTitle(title.orElse(null))
                .setMode(mode.orElse(null))
                .setCreatedAt(createdAt.orElse(null))
                .setConsumptionOffsets(offsets.orElse(null))
                .setRaw(ByteBuffer.wrap(item.raw()))
                .build());
    }

    public static Optional<SessionPatched> readPatch(final JsonItem item, final List<FieldError> errors) {
        final int before = errors.size();
        final ItemReader in = new ItemReader(item.index(), item.node(), errors);
        if (!in.isObject("a session patch")) {
            return Optional.empty();
        }
        final Optional<String> title = title(in);
        // As in a JSON merge patch (RFC 7396), an explicit null removes the title; an absent title leaves it.
        final boolean clearTitle = item.node().path("title").isNull();
        final Optional<Map<String, Long>> offsets = consumptionOffsets(item.node(), in);
        if (errors.size() == before && title.isEmpty() && !clearTitle && offsets.isEmpty()) {
            in.fail("body", "nothing to change: give consumption_offsets and/or title");
        }
        if (errors.size() > before) {
            return Optional.empty();
        }
        return Optional.of(SessionPatched.newBuilder()
                .setConsumptionOffsets(offsets.orElse(Map.of()))
                .setTitle(title.orElse(null))
                .setClearTitle(clearTitle)
                .build());
    }

    private static Optional<String> title(final ItemReader in) {
        final Optional<String> title = in.optionalString("title");
        if (title.isPresent() && title.get().codePointCount(0, title.get().length()) > MAX_TITLE) {
            in.fail("title", "is at most " + MAX_TITLE + " characters, not " + title.get().codePointCount(0, title.get().length()));
            return Optional.empty();
        }
        return title;
    }

    private static Optional<Map<String, Long>> consumptionOffsets(final JsonNode node, final ItemReader in) {
        final JsonNode offsets = node.get("consumption_offsets");
        if (offsets == null || offsets.isNull()) {
            return Optional.empty();
        }
        if (!offsets.isObject()) {
            in.fail("consumption_offsets", "must be an object of consumer name to offset, like {\"client\": 37}");
            return Optional.empty();
        }
        final Map<String, Long> result = new HashMap<>();
        offsets.fields().forEachRemaining(entry -> {
            final JsonNode value = entry.getValue();
            final String field = "consumption_offsets." + entry.getKey();
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                in.fail(field, "offsets are integers, not " + value);
            } else if (value.asLong() < 0) {
                in.fail(field, "offsets are >= 0, not " + value.asLong());
            } else {
                result.put(entry.getKey(), value.asLong());
            }
        });
        return Optional.of(result);
    }
}
