package io.sessionlog.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.avro.Schema;

/**
 * What the registry knows, rebuilt by applying the {@code _schemas} log in order. Every instance applies the same
 * records in the same order, so they agree: a record that would bind an id or a version already bound otherwise
 * (two instances racing) is ignored, and its writer sees that it lost and tries again.
 */
final class RegistryState {

    record Registered(String subject, int version, int id, Schema schema) {
    }

    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<Schema, Integer> idsBySchema = new HashMap<>();
    private final Map<String, List<Registered>> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel;
    private int maxId;

    RegistryState(final CompatibilityLevel defaultLevel) {
        this.globalLevel = defaultLevel;
    }

    /** Applies one schema record of the log; returns false when it lost to an earlier record. */
    synchronized boolean applySchema(final String subject, final int version, final int id, final Schema schema) {
        final Integer knownId = idsBySchema.get(schema);
        final Schema boundSchema = schemasById.get(id);
        final List<Registered> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        final boolean idConflict = (knownId != null && knownId != id) || (boundSchema != null && !boundSchema.equals(schema));
        final boolean versionConflict = version != versions.size() + 1
                || versions.stream().anyMatch(r -> r.schema().equals(schema));
        if (idConflict || versionConflict) {
            return false;
        }
        schemasById.put(id, schema);
        idsBySchema.put(schema, id);
        versions.add(new Registered(subject, version, id, schema));
        maxId = Math.max(maxId, id);
        return true;
    }

    synchronized void applyConfig(final String subject, final CompatibilityLevel level) {
        if (subject == null) {
            globalLevel = level;
        } else if (level == null) {
            subjectLevels.remove(subject);
        } else {
            subjectLevels.put(subject, level);
        }
    }

    synchronized Optional<Schema> schemaById(final int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    /** The id an identical schema already has under any subject, or the next free one. */
    synchronized int idFor(final Schema schema) {
        return idsBySchema.getOrDefault(schema, maxId + 1);
    }

    synchronized List<String> subjects() {
        return subjects.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    }

    /** Versions oldest first; empty when the subject is unknown. */
    synchronized List<Registered> versions(final String subject) {
        return List.copyOf(subjects.getOrDefault(subject, List.of()));
    }

    synchronized Optional<Registered> find(final String subject, final Schema schema) {
        return versions(subject).stream().filter(r -> r.schema().equals(schema)).findFirst();
    }

    synchronized CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    synchronized Optional<CompatibilityLevel> subjectLevel(final String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    synchronized CompatibilityLevel effectiveLevel(final String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }
}
