package io.sessionlog.schemas.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;

/**
 * Caches what never changes once registered (an id's schema, a subject's id for a schema) so that a serde asks the
 * registry once per schema, not once per record. The latest version is cached too: serdes using
 * {@code use.latest.version} pick up a newer one after a restart, as Confluent's do by default.
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {

    private final SchemaRegistryClient delegate;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, SchemaVersion>> versionsBySubject = new ConcurrentHashMap<>();
    private final Map<String, SchemaVersion> latestBySubject = new ConcurrentHashMap<>();

    public CachingSchemaRegistryClient(final SchemaRegistryClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public int register(final String subject, final Schema schema) {
        return idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(schema, s -> {
                    final int id = delegate.register(subject, s);
                    schemasById.putIfAbsent(id, s);
                    return id;
                });
    }

    @Override
    public Schema schemaById(final int id) {
        return schemasById.computeIfAbsent(id, delegate::schemaById);
    }

    @Override
    public SchemaVersion lookup(final String subject, final Schema schema) {
        return versionsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(schema, s -> delegate.lookup(subject, s));
    }

    @Override
    public SchemaVersion latest(final String subject) {
        return latestBySubject.computeIfAbsent(subject, delegate::latest);
    }
}
