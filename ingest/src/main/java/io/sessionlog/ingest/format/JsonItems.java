package io.sessionlog.ingest.format;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.sessionlog.http.FieldError;
import io.sessionlog.http.Json;
import io.sessionlog.http.Problem;

/**
 * Splits a body holding one JSON value or an array of values into items, keeping each item's bytes exactly as sent
 * (the parser's byte offsets delimit them), so the original payload is stored byte for byte.
 */
public final class JsonItems {

    private JsonItems() {
    }

    public static List<JsonItem> split(final byte[] body) {
        if (body.length == 0 || isBlank(body)) {
            throw Problem.badRequest("the request has no body: send one JSON object or an array of them",
                    List.of(new FieldError(0, "body", "is empty")));
        }
        try (JsonParser parser = Json.MAPPER.createParser(body)) {
            final JsonToken first = parser.nextToken();
            final List<JsonItem> items = new ArrayList<>();
            if (first == JsonToken.START_ARRAY) {
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(readItem(parser, body, items.size()));
                }
            } else {
                items.add(readItem(parser, body, 0));
            }
            if (parser.nextToken() != null) {
                throw notJson("unexpected content after the JSON value", parser.currentTokenLocation());
            }
            return items;
        } catch (JsonProcessingException e) {
            throw notJson(e.getOriginalMessage(), e.getLocation());
        } catch (IOException e) {
            throw Problem.badRequest("the body could not be read: " + e.getMessage(), List.of());
        }
    }

    private static JsonItem readItem(final JsonParser parser, final byte[] body, final int index) throws IOException {
        final int start = (int) parser.currentTokenLocation().getByteOffset();
        final JsonNode node = parser.readValueAsTree();
        final int end = (int) parser.currentLocation().getByteOffset();
        return new JsonItem(index, node, Arrays.copyOfRange(body, start, end));
    }

    private static Problem notJson(final String message, final JsonLocation location) {
        final String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        return Problem.badRequest("the body is not valid JSON: " + message + where,
                List.of(new FieldError(0, "body", "is not valid JSON" + where)));
    }

    private static boolean isBlank(final byte[] body) {
        for (final byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
