package io.sessionlog.ingest.format;

import com.fasterxml.jackson.databind.JsonNode;

/** One item of a request body, parsed, with its exact bytes as the client sent them. */
public record JsonItem(int index, JsonNode node, byte[] raw) {
}
