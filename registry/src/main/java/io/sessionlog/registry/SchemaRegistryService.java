package io.sessionlog.registry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.sessionlog.registry.RegistryState.Registered;
import io.sessionlog.schemas.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/** The registry's operations with Confluent's semantics and error codes, over the state and its log. */
final class SchemaRegistryService {

    private static final int MAX_ATTEMPTS = 10;
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final RegistryState state;
    private final SchemaLog log;

    SchemaRegistryService(final RegistryState state, final SchemaLog log) {
        this.state = state;
        this.log = log;
    }

    /**
     * Registers a schema under a subject and answers its id: the existing id when the subject already has it, a
     * refusal (409) when the subject's compatibility level forbids it. Writes go through the log; when another
     * instance won the race for an id or version, the loop sees it in the state and tries again.
     */
    synchronized int register(final String subject, final String schemaText) {
        final Schema schema = parse(schemaText);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            final Optional<Registered> existing = state.find(subject, schema);
            if (existing.isPresent()) {
                return existing.get().id();
            }
            final List<Registered> versions = state.versions(subject);
            final List<String> problems = state.effectiveLevel(subject)
                    .incompatibilities(schema, versions.stream().map(Registered::schema).toList());
            if (!problems.isEmpty()) {
                throw new RegistryError(409, SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                        "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                                + "\", details: " + problems);
            }
            final long offset = log.appendSchema(subject, versions.size() + 1, state.idFor(schema), schema);
            log.awaitApplied(offset, WRITE_TIMEOUT);
        }
        throw new RegistryError(500, SchemaRegistryException.STORE_ERROR,
                "Could not register the schema: other writers kept winning; try again");
    }

    Schema schemaById(final int id) {
        return afterCatchUpIfMissing(() -> state.schemaById(id)).orElseThrow(() -> new RegistryError(404, SchemaRegistryException.SCHEMA_NOT_FOUND,
                "Schema " + id + " not found"));
    }

    List<String> subjects() {
        return state.subjects();
    }

    List<Registered> versions(final String subject) {
        final List<Registered> versions = afterCatchUpIfMissing(() -> Optional.of(state.versions(subject))
                .filter(v -> !v.isEmpty())).orElse(List.of());
        if (versions.isEmpty()) {
            throw subjectNotFound(subject);
        }
        return versions;
    }

    /** {@code version} is a number from 1, or {@code latest} (or -1, Confluent's alias for it). */
    Registered version(final String subject, final String version) {
        if ("latest".equals(version) || "-1".equals(version)) {
            // "Latest" must not be stale: another instance may have added a version a moment ago.
            log.catchUp(WRITE_TIMEOUT);
            final List<Registered> versions = versions(subject);
            return versions.get(versions.size() - 1);
        }
        final List<Registered> versions = versions(subject);
        final int number;
        try {
            number = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            throw invalidVersion(version);
        }
        if (number < 1) {
            throw invalidVersion(version);
        }
        if (number > versions.size()) {
            log.catchUp(WRITE_TIMEOUT);
        }
        final List<Registered> current = state.versions(subject);
        if (number > current.size()) {
            throw new RegistryError(404, SchemaRegistryException.VERSION_NOT_FOUND, "Version " + number + " not found.");
        }
        return current.get(number - 1);
    }

    Registered lookup(final String subject, final String schemaText) {
        final Schema schema = parse(schemaText);
        versions(subject);
        return afterCatchUpIfMissing(() -> state.find(subject, schema)).orElseThrow(() ->
                new RegistryError(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found"));
    }

    List<String> compatibility(final String subject, final String version, final String schemaText) {
        final Schema schema = parse(schemaText);
        final Registered against = version(subject, version);
        final CompatibilityLevel level = state.effectiveLevel(subject);
        final boolean transitive = level.name().endsWith("_TRANSITIVE");
        final List<Schema> registered = transitive
                ? state.versions(subject).stream().filter(r -> r.version() <= against.version()).map(Registered::schema).toList()
                : List.of(against.schema());
        return level.incompatibilities(schema, registered);
    }

    CompatibilityLevel globalLevel() {
        return state.globalLevel();
    }

    Optional<CompatibilityLevel> subjectLevel(final String subject) {
        return state.subjectLevel(subject);
    }

    synchronized CompatibilityLevel setLevel(final String subject, final String level) {
        final CompatibilityLevel parsed = CompatibilityLevel.parse(level);
        log.awaitApplied(log.appendConfig(subject, parsed), WRITE_TIMEOUT);
        return parsed;
    }

    /** A miss may only mean this instance has not read another's write yet: read to the log's end and look again. */
    private <T> Optional<T> afterCatchUpIfMissing(final java.util.function.Supplier<Optional<T>> read) {
        final Optional<T> found = read.get();
        if (found.isPresent()) {
            return found;
        }
        log.catchUp(WRITE_TIMEOUT);
        return read.get();
    }

    private static Schema parse(final String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw new RegistryError(422, SchemaRegistryException.INVALID_SCHEMA, "Empty schema");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (SchemaParseException e) {
            throw new RegistryError(422, SchemaRegistryException.INVALID_SCHEMA, "Invalid schema: " + e.getMessage());
        }
    }

    private static RegistryError subjectNotFound(final String subject) {
        return new RegistryError(404, SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    private static RegistryError invalidVersion(final String version) {
        return new RegistryError(422, SchemaRegistryException.INVALID_VERSION,
                "The specified version '" + version + "' is not a valid version id. Allowed values are between "
                        + "[1, 2^31-1] and the string \"latest\"");
    }
}
