package io.sessionlog.ingest.format;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The id of an event sent without one: a name-based UUID (version 5, SHA-1) of the format, the session key and the
 * canonical JSON of the record (keys sorted, no whitespace). A retried request gets the same ids, so the processor
 * deduplicates it; two genuinely identical records of one session collapse into one, which is accepted.
 */
public final class EventIds {

    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private EventIds() {
    }

    public static String derive(final String format, final String sessionKey, final JsonNode record) {
        final byte[] name = (format + '\n' + sessionKey + '\n' + canonicalJson(record)).getBytes(StandardCharsets.UTF_8);
        final byte[] hash = sha1(name);
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (hash[i] & 0xff);
            lsb = (lsb << 8) | (hash[i + 8] & 0xff);
        }
        return new UUID(msb, lsb).toString();
    }

    static String canonicalJson(final JsonNode record) {
        try {
            // Through plain maps: ORDER_MAP_ENTRIES_BY_KEYS sorts maps at every depth, not tree nodes.
            return CANONICAL.writeValueAsString(CANONICAL.treeToValue(record, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed record cannot be written back as JSON", e);
        }
    }

    private static byte[] sha1(final byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
