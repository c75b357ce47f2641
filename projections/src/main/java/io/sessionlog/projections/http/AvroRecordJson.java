package io.sessionlog.projections.http;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionlog.http.Json;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * An Avro record as JSON, field by field as its schema names them: what a consumer of the events topic decodes,
 * readable. Unions show the value of their branch, timestamps their instant (RFC 3339), bytes base64.
 */
public final class AvroRecordJson {

    private AvroRecordJson() {
    }

    public static JsonNode of(final IndexedRecord record) {
        final ObjectNode node = Json.MAPPER.createObjectNode();
        for (final Schema.Field field : record.getSchema().getFields()) {
            node.set(field.name(), value(record.get(field.pos())));
        }
        return node;
    }

    private static JsonNode value(final Object value) {
        final JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (value == null) {
            return nodes.nullNode();
        } else if (value instanceof IndexedRecord record) {
            return of(record);
        } else if (value instanceof CharSequence text) {
            return nodes.textNode(text.toString());
        } else if (value instanceof Boolean bool) {
            return nodes.booleanNode(bool);
        } else if (value instanceof Integer number) {
            return nodes.numberNode(number);
        } else if (value instanceof Long number) {
            return nodes.numberNode(number);
        } else if (value instanceof Float number) {
            return nodes.numberNode(number);
        } else if (value instanceof Double number) {
            return nodes.numberNode(number);
        } else if (value instanceof Instant instant) {
            return nodes.textNode(instant.toString());
        } else if (value instanceof ByteBuffer bytes) {
            final ByteBuffer copy = bytes.duplicate();
            final byte[] raw = new byte[copy.remaining()];
            copy.get(raw);
            return nodes.textNode(Base64.getEncoder().encodeToString(raw));
        } else if (value instanceof Map<?, ?> map) {
            final ObjectNode node = nodes.objectNode();
            map.forEach((key, entry) -> node.set(String.valueOf(key), value(entry)));
            return node;
        } else if (value instanceof Collection<?> items) {
            final ArrayNode node = nodes.arrayNode();
            items.forEach(item -> node.add(value(item)));
            return node;
        }
        // Enum symbols, and anything else Avro hands back, as their text.
        return nodes.textNode(value.toString());
    }
}
