package io.sessionlog.registry;

import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/** Confluent's compatibility levels, checked with Avro's own reader/writer compatibility rules. */
public enum CompatibilityLevel {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE;

    /**
     * The reasons a candidate is incompatible with the registered versions (oldest first); empty when compatible.
     * BACKWARD: the candidate reads data written with the latest version; FORWARD: the latest reads the candidate's
     * data; FULL: both; the _TRANSITIVE levels check every version, not only the latest.
     */
    public List<String> incompatibilities(final Schema candidate, final List<Schema> registered) {
        if (this == NONE || registered.isEmpty()) {
            return List.of();
        }
        final boolean transitive = name().endsWith("_TRANSITIVE");
        final List<Schema> against = transitive ? registered : List.of(registered.get(registered.size() - 1));
        final List<String> problems = new ArrayList<>();
        for (final Schema existing : against) {
            if (checksBackward()) {
                problems.addAll(problems(candidate, existing, "the new schema cannot read data written with an earlier one"));
            }
            if (checksForward()) {
                problems.addAll(problems(existing, candidate, "an earlier schema cannot read data written with the new one"));
            }
        }
        return problems;
    }

    private boolean checksBackward() {
        return this == BACKWARD || this == BACKWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }

    private boolean checksForward() {
        return this == FORWARD || this == FORWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }

    private static List<String> problems(final Schema reader, final Schema writer, final String what) {
        final SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        return result.getResult().getIncompatibilities().stream()
                .map(i -> what + ": " + i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                .toList();
    }

    public static CompatibilityLevel parse(final String text) {
        try {
            return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new RegistryError(422, io.sessionlog.schemas.registry.SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL,
                    "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, "
                            + "forward_transitive, and full_transitive");
        }
    }
}
