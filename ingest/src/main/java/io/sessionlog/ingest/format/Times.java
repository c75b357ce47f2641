package io.sessionlog.ingest.format;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Times as contract §2 takes them: ISO 8601 with a zone or offset, ISO 8601 without one (taken as UTC, as flux0's
 * examples are), or epoch milliseconds.
 */
public final class Times {

    public static final String EXPECTED = "is not a date-time: use ISO 8601 (2025-01-29T09:27:41Z) or epoch milliseconds";

    private Times() {
    }

    public static Optional<Instant> parse(final JsonNode value) {
        if (value == null) {
            return Optional.empty();
        }
        if (value.isIntegralNumber()) {
            return Optional.of(Instant.ofEpochMilli(value.asLong()));
        }
        if (!value.isTextual()) {
            return Optional.empty();
        }
        final String text = value.asText().trim();
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException withZone) {
            try {
                return Optional.of(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException withoutZone) {
                return Optional.empty();
            }
        }
    }
}
