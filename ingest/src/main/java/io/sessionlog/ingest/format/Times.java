package io.sessionlog.ingest.format;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Times as contract §2 takes them: ISO 8601 with a zone or offset, ISO 8601 without one (taken as UTC, as flux0's
 * examples are), or epoch milliseconds. Only times RFC 3339 can write back are taken (years 0001 to 9999): sessionlog
 * answers every time in RFC 3339, and Avro's {@code timestamp-micros} overflows not far beyond (year ±294,247).
 * Times are kept to the microsecond, as {@code timestamp-micros} stores them: finer digits are dropped here, so that
 * what is written is what every reader reads back.
 */
public final class Times {

    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    public static final String EXPECTED = "is not a date-time: use ISO 8601 (2025-01-29T09:27:41Z) or epoch milliseconds";
    public static final String OUT_OF_RANGE = "is out of range: a time is between " + EARLIEST + " and " + LATEST;

    private Times() {
    }

    /** The time, or empty if {@code value} is no time at all; see {@link #inRange} for the range. */
    public static Optional<Instant> parse(final JsonNode value) {
        if (value == null) {
            return Optional.empty();
        }
        if (value.isIntegralNumber()) {
            // A number beyond a long has no epoch millisecond: out of range, not wrapped around.
            return Optional.of(value.canConvertToLong() ? Instant.ofEpochMilli(value.asLong())
                    : value.bigIntegerValue().signum() < 0 ? Instant.MIN : Instant.MAX);
        }
        if (!value.isTextual()) {
            return Optional.empty();
        }
        final String text = value.asText().trim();
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MICROS));
        } catch (DateTimeParseException withZone) {
            try {
                return Optional.of(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS));
            } catch (DateTimeParseException withoutZone) {
                return Optional.empty();
            }
        }
    }

    public static boolean inRange(final Instant time) {
        return !time.isBefore(EARLIEST) && !time.isAfter(LATEST);
    }
}
