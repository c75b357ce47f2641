package io.sessionlog.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.javalin.http.Context;

/** The API's one JSON mapper and the way routes answer JSON. */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    /** Every time the API answers: RFC 3339 in UTC, fractional seconds only when there are any. */
    public static String time(final java.time.Instant instant) {
        return java.time.format.DateTimeFormatter.ISO_INSTANT.format(instant);
    }

    public static void answer(final Context ctx, final int status, final JsonNode body) {
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    /**
     * Puts JSON text kept in a record (data_json, metadata_json...) as the field's value without parsing it: the text
     * is compact JSON that ingest wrote, and answers with 100 events would otherwise parse and print it 200 times.
     * Null stays null.
     */
    public static void putRaw(final ObjectNode node, final String field, final String json) {
        if (json == null) {
            node.putNull(field);
        } else {
            node.putRawValue(field, new RawValue(json));
        }
    }
}
