package io.sessionlog.ingest.format;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the fields of one item and collects what is wrong with it, so that a refused request lists every problem
 * of every item at once instead of the first one only.
 */
final class ItemReader {

    private final int index;
    private final JsonNode node;
    private final List<FieldError> errors;

    ItemReader(final int index, final JsonNode node, final List<FieldError> errors) {
        this.index = index;
        this.node = node;
        this.errors = errors;
    }

    boolean isObject(final String what) {
        if (!node.isObject()) {
            fail("item", "must be a JSON object (" + what + "), not " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            return false;
        }
        return true;
    }

    /** A field that must be present and a non-empty string. */
    String requiredString(final String field) {
        final JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            fail(field, "is required");
            return null;
        }
        if (!value.isTextual() || value.asText().isEmpty()) {
            fail(field, "must be a non-empty string");
            return null;
        }
        return value.asText();
    }

    /** A field that must be present and a string, which may be empty. */
    String requiredText(final String field) {
        final JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            fail(field, "is required");
            return null;
        }
        if (!value.isTextual()) {
            fail(field, "must be a string");
            return null;
        }
        return value.asText();
    }

    /** A string that may be absent or null. */
    Optional<String> optionalString(final String field) {
        final JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            fail(field, "must be a string");
            return Optional.empty();
        }
        return Optional.of(value.asText());
    }

    String requiredEnum(final String field, final Collection<String> allowed) {
        final JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            fail(field, "is required");
            return null;
        }
        if (!value.isTextual() || !allowed.contains(value.asText())) {
            fail(field, "must be " + oneOf(allowed) + ", not " + value);
            return null;
        }
        return value.asText();
    }

    Optional<Long> optionalNonNegativeLong(final String field) {
        final JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 0) {
            fail(field, "must be an integer >= 0");
            return Optional.empty();
        }
        return Optional.of(value.asLong());
    }

    boolean optionalBoolean(final String field, final boolean fallback) {
        final JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            fail(field, "must be true or false");
            return fallback;
        }
        return value.asBoolean();
    }

    Instant requiredTime(final String field) {
        final JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            fail(field, "is required");
            return null;
        }
        return optionalTime(field).orElse(null);
    }

    Optional<Instant> optionalTime(final String field) {
        final JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        final Optional<Instant> time = Times.parse(value);
        if (time.isEmpty()) {
            fail(field, Times.EXPECTED);
        } else if (!Times.inRange(time.get())) {
            fail(field, Times.OUT_OF_RANGE);
            return Optional.empty();
        }
        return time;
    }

    /** A JSON object, returned as compact JSON text; absent or null gives empty. */
    Optional<String> optionalObjectJson(final String field) {
        final JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isObject()) {
            fail(field, "must be an object");
            return Optional.empty();
        }
        return finiteNumbers(field, value) ? Optional.of(value.toString()) : Optional.empty();
    }

    /**
     * Whether every number inside is one a double holds: {@code 1e400} would be read as infinity and written back as
     * the string {@code "Infinity"}, which is not what was sent (nor JSON).
     */
    private boolean finiteNumbers(final String field, final JsonNode value) {
        if (value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue())) {
            fail(field, "holds a number beyond what a JSON double carries (±1.8e308)");
            return false;
        }
        for (final JsonNode child : value) {
            if (!finiteNumbers(field, child)) {
                return false;
            }
        }
        return true;
    }

    JsonNode requiredObject(final String field) {
        final JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            fail(field, "is required");
            return null;
        }
        if (!value.isObject()) {
            fail(field, "must be an object");
            return null;
        }
        return finiteNumbers(field, value) ? value : null;
    }

    void fail(final String field, final String reason) {
        errors.add(new FieldError(index, field, reason));
    }

    static String oneOf(final Collection<String> allowed) {
        final List<String> values = List.copyOf(allowed);
        if (values.size() == 1) {
            return values.get(0);
        }
        return String.join(", ", values.subList(0, values.size() - 1)) + " or " + values.get(values.size() - 1);
    }
}
