package io.sessionlog.ingest.format;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The rules of a flux0 event's {@code data} (domain.md §1.1, flux0's {@code EventDTOData}), so that every event read
 * back is a valid {@code EventDTO}: {@code type} and {@code data.type} agree ({@code tool} ⇔ {@code tool_call_result}),
 * message parts, status values and tool calls have the fields and values flux0 defines. Each problem names its field
 * path ({@code data.parts[1].type}). Fields flux0 does not define are kept, as everywhere else; custom events take any
 * object, as Parlant does.
 */
final class Flux0DataRules {

    static final List<String> PART_TYPES = List.of("content", "reasoning", "tool_call");
    static final List<String> STATUSES = List.of("acknowledged", "cancelled", "processing", "ready", "typing", "error", "completed");
    static final List<String> CONTROL_MODES = List.of("auto", "manual");
    /** The data.type each event type requires; custom events take any data. */
    private static final Map<String, String> DATA_TYPE_BY_TYPE = Map.of(
            "message", "message", "tool", "tool_call_result", "status", "status");

    private final ItemReader in;

    private Flux0DataRules(final ItemReader in) {
        this.in = in;
    }

    static void check(final String type, final JsonNode data, final ItemReader in) {
        new Flux0DataRules(in).check(type, data);
    }

    private void check(final String type, final JsonNode data) {
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
            case "message" -> message(data);
            case "status" -> status(data);
            case "tool" -> toolCalls(data);
            default -> throw new IllegalStateException("no data rule for type " + type);
        }
    }

    private void message(final JsonNode data) {
        final JsonNode parts = data.get("parts");
        if (parts == null || !parts.isArray()) {
            in.fail("data.parts", "a message needs parts: an array of content, reasoning or tool_call parts");
        } else {
            for (int i = 0; i < parts.size(); i++) {
                part(parts.get(i), "data.parts[" + i + "]");
            }
        }
        optional(data, "tags", "data.tags", "an array of strings", tags -> tags.isArray() && all(tags, JsonNode::isTextual));
        optional(data, "flagged", "data.flagged", "true or false", JsonNode::isBoolean);
        optional(data, "participant", "data.participant", "an object of strings ({\"id\": …, \"name\": …})",
                participant -> participant.isObject() && all(participant, v -> v.isTextual() || v.isNull()));
    }

    private void part(final JsonNode part, final String path) {
        if (!part.isObject()) {
            in.fail(path, "a part is an object with a type: " + ItemReader.oneOf(PART_TYPES));
            return;
        }
        final JsonNode type = part.get("type");
        if (type == null || !type.isTextual() || !PART_TYPES.contains(type.asText())) {
            in.fail(path + ".type", "must be " + ItemReader.oneOf(PART_TYPES) + ", not " + type);
            return;
        }
        switch (type.asText()) {
            case "content" -> present(part, "content", path);
            case "reasoning" -> present(part, "reasoning", path);
            default -> {
                text(part, "tool_call_id", path);
                text(part, "tool_name", path);
                present(part, "args", path);
            }
        }
    }

    private void status(final JsonNode data) {
        final JsonNode status = data.get("status");
        if (status == null || !status.isTextual() || !STATUSES.contains(status.asText())) {
            in.fail("data.status", "must be " + ItemReader.oneOf(STATUSES) + ", not " + status);
        }
        optional(data, "acknowledged_offset", "data.acknowledged_offset", "an integer >= 0",
                offset -> offset.isIntegralNumber() && offset.canConvertToLong() && offset.asLong() >= 0);
    }

    private void toolCalls(final JsonNode data) {
        final JsonNode calls = data.get("tool_calls");
        if (calls == null || !calls.isArray()) {
            in.fail("data.tool_calls", "a tool event needs tool_calls: an array");
            return;
        }
        for (int i = 0; i < calls.size(); i++) {
            final String path = "data.tool_calls[" + i + "]";
            final JsonNode call = calls.get(i);
            if (!call.isObject()) {
                in.fail(path, "a tool call is an object with tool_call_id, tool_name and args");
                continue;
            }
            text(call, "tool_call_id", path);
            text(call, "tool_name", path);
            final JsonNode args = call.get("args");
            if (args == null || !args.isObject()) {
                in.fail(path + ".args", args == null ? "is required" : "must be an object");
            }
            optional(call, "error", path + ".error", "a string", JsonNode::isTextual);
            result(call.get("result"), path + ".result");
        }
    }

    /** flux0's ToolResultDTO: {data, metadata, control: {mode}}; flux0's example's bare string does not fit it. */
    private void result(final JsonNode result, final String path) {
        if (result == null || result.isNull()) {
            return;
        }
        if (!result.isObject()) {
            in.fail(path, "must be an object {\"data\": …, \"metadata\": {…}, \"control\": {\"mode\": \"auto\"}}, not "
                    + result.getNodeType().name().toLowerCase(Locale.ROOT));
            return;
        }
        optional(result, "metadata", path + ".metadata", "an object", JsonNode::isObject);
        final JsonNode control = result.get("control");
        if (control == null || control.isNull()) {
            return;
        }
        if (!control.isObject()) {
            in.fail(path + ".control", "must be an object {\"mode\": \"auto\" or \"manual\"}");
            return;
        }
        final JsonNode mode = control.get("mode");
        if (mode == null || !mode.isTextual() || !CONTROL_MODES.contains(mode.asText())) {
            in.fail(path + ".control.mode", "must be " + ItemReader.oneOf(CONTROL_MODES) + ", not " + mode);
        }
    }

    private void present(final JsonNode node, final String field, final String path) {
        if (!node.has(field)) {
            in.fail(path + "." + field, "is required");
        }
    }

    private void text(final JsonNode node, final String field, final String path) {
        final JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            in.fail(path + "." + field, "is required");
        } else if (!value.isTextual()) {
            in.fail(path + "." + field, "must be a string");
        }
    }

    private void optional(final JsonNode node, final String field, final String path, final String expected,
                          final Predicate<JsonNode> valid) {
        final JsonNode value = node.get(field);
        if (value != null && !value.isNull() && !valid.test(value)) {
            in.fail(path, "must be " + expected);
        }
    }

    private static boolean all(final JsonNode container, final Predicate<JsonNode> valid) {
        for (final JsonNode child : container) {
            if (!valid.test(child)) {
                return false;
            }
        }
        return true;
    }
}
