package io.sessionlog.ingest.format;

/** One invalid item of a request or batch: its index (0 for a single object, the line for NDJSON), the field, and why. */
public record FieldError(int index, String field, String reason) {
}
