package io.sessionlog.schemas.registry;

import org.apache.avro.Schema;

/** The part of the Confluent Schema Registry API that serdes use. Implementations are thread-safe. */
public interface SchemaRegistryClient {

    /** {@code POST /subjects/{subject}/versions}: the id of the schema, registering it when it is new. */
    int register(String subject, Schema schema);

    /** {@code GET /schemas/ids/{id}}. */
    Schema schemaById(int id);

    /** {@code POST /subjects/{subject}}: the version under which the schema is already registered. */
    SchemaVersion lookup(String subject, Schema schema);

    /** {@code GET /subjects/{subject}/versions/latest}. */
    SchemaVersion latest(String subject);
}
