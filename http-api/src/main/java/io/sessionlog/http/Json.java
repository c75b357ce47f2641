package io.sessionlog.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.Context;

/** The API's one JSON mapper and the way routes answer JSON. */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    public static void answer(final Context ctx, final int status, final JsonNode body) {
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    /** Parses JSON text kept in a record (data_json, metadata_json...); null stays null. */
    public static JsonNode parse(final String text) {
        if (text == null) {
            return MAPPER.nullNode();
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is unreadable: " + e.getOriginalMessage(), e);
        }
    }
}
