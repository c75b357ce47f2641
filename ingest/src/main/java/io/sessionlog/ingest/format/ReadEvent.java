package io.sessionlog.ingest.format;

import io.sessionlog.schemas.avro.CanonicalEvent;

/** An event read from one input item, with the session it belongs to. */
public record ReadEvent(String sessionKey, CanonicalEvent event) {
}
