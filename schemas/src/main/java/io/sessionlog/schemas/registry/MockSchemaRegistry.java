package io.sessionlog.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;

/**
 * The in-memory registries behind {@code mock://scope} URLs, for unit tests, as Confluent's serdes allow: every
 * serde configured with the same scope shares one registry. Ids are global within a scope and reused for an
 * identical schema, as a real registry does.
 */
public final class MockSchemaRegistry {

    public static final String MOCK_URL_PREFIX = "mock://";

    private static final Map<String, ScopedRegistry> SCOPES = new ConcurrentHashMap<>();

    private MockSchemaRegistry() {
    }

    public static SchemaRegistryClient forScope(final String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new ScopedRegistry());
    }

    /** Forget a scope, so that a test starts from an empty registry. */
    public static void dropScope(final String scope) {
        SCOPES.remove(scope);
    }

    private static final class ScopedRegistry implements SchemaRegistryClient {
        private final Map<Schema, Integer> ids = new HashMap<>();
        private final Map<Integer, Schema> schemas = new HashMap<>();
        private final Map<String, List<Schema>> subjects = new HashMap<>();

        @Override
        public synchronized int register(final String subject, final Schema schema) {
            final int id = ids.computeIfAbsent(schema, s -> {
                final int next = ids.size() + 1;
                schemas.put(next, s);
                return next;
            });
            final List<Schema> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
            if (!versions.contains(schema)) {
                versions.add(schema);
            }
            return id;
        }

        @Override
        public synchronized Schema schemaById(final int id) {
            final Schema schema = schemas.get(id);
            if (schema == null) {
                throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
            }
            return schema;
        }

        @Override
        public synchronized SchemaVersion lookup(final String subject, final Schema schema) {
            final List<Schema> versions = versions(subject);
            final int index = versions.indexOf(schema);
            if (index < 0) {
                throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found");
            }
            return new SchemaVersion(subject, index + 1, ids.get(schema), schema);
        }

        @Override
        public synchronized SchemaVersion latest(final String subject) {
            final List<Schema> versions = versions(subject);
            final Schema schema = versions.get(versions.size() - 1);
            return new SchemaVersion(subject, versions.size(), ids.get(schema), schema);
        }

        private List<Schema> versions(final String subject) {
            final List<Schema> versions = subjects.get(subject);
            if (versions == null || versions.isEmpty()) {
                throw new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_NOT_FOUND,
                        "Subject '" + subject + "' not found.");
            }
            return versions;
        }
    }
}
