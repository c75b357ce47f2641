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
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Splits a body holding one JSON value or an array of values into items, keeping each item's bytes exactly as sent
 * (the parser's byte offsets delimit them), so the original payload is stored byte for byte.
 */
public final class JsonItems {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonItems() {
    }

    public static List<JsonItem> split(final byte[] body) {
        Utf8.check(body);
        return splitUtf8(body);
    }

    private static List<JsonItem> splitUtf8(final byte[] body) {
        if (body.length == 0 || isBlank(body)) {
            throw new InvalidInputException("the request has no body: send one JSON object or an array of them",
                    List.of(new FieldError(0, "body", "is empty")), 0);
        }
        try (JsonParser parser = JSON.createParser(body)) {
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
            throw new InvalidInputException("the body could not be read", List.of(new FieldError(0, "body", "could not be read")), 0);
        }
    }

    /**
     * NDJSON: one JSON value per line, blank lines skipped. A line that is not JSON is an error of that line (its
     * index is the 0-based line number), so one bad line is reported beside the others, not instead of them.
     */
    public static List<JsonItem> splitLines(final byte[] body, final List<FieldError> errors) {
        Utf8.check(body);
        final List<JsonItem> items = new ArrayList<>();
        int start = 0;
        int line = 0;
        while (start < body.length) {
            int end = start;
            while (end < body.length && body[end] != '\n') {
                end++;
            }
            final int contentEnd = end > start && body[end - 1] == '\r' ? end - 1 : end;
            final byte[] raw = Arrays.copyOfRange(body, start, contentEnd);
            if (!isBlank(raw)) {
                try {
                    final List<JsonItem> parsed = splitUtf8(raw);
                    if (parsed.size() != 1 || raw[firstNonBlank(raw)] == '[') {
                        errors.add(new FieldError(line, "line", "holds an array: NDJSON takes one object per line"));
                    } else {
                        items.add(new JsonItem(line, parsed.get(0).node(), parsed.get(0).raw()));
                    }
                } catch (InvalidInputException notJson) {
                    errors.add(new FieldError(line, "line", "is not valid JSON: " + notJson.getMessage()));
                }
            }
            start = end + 1;
            line++;
        }
        return items;
    }

    private static int firstNonBlank(final byte[] raw) {
        int i = 0;
        while (i < raw.length && (raw[i] == ' ' || raw[i] == '\t')) {
            i++;
        }
        return i;
    }

    private static JsonItem readItem(final JsonParser parser, final byte[] body, final int index) throws IOException {
        final int start = (int) parser.currentTokenLocation().getByteOffset();
        final JsonNode node = parser.readValueAsTree();
        final int end = (int) parser.currentLocation().getByteOffset();
        return new JsonItem(index, node, Arrays.copyOfRange(body, start, end));
    }

    private static InvalidInputException notJson(final String message, final JsonLocation location) {
        final String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        return new InvalidInputException("the body is not valid JSON: " + message + where,
                List.of(new FieldError(0, "body", "is not valid JSON" + where)), 0);
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
