package io.sessionlog.schemas.registry;

import org.apache.avro.Schema;

/** One registered version of a subject, as the registry's REST API describes it. */
public record SchemaVersion(String subject, int version, int id, Schema schema) {
}
