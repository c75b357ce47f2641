package io.sessionlog.projections.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import io.sessionlog.http.FieldError;
import io.sessionlog.http.Problem;
import io.sessionlog.projections.query.CorrelationKey;

/**
 * The opaque {@code cursor} of {@code GET /v1/correlations/{id}}: the last event's session and offset, and which walk
 * it belongs to (the id, and whether by root), so that another walk's cursor is refused rather than misread.
 * Base64url of {@code c1|kind|idHash|offset|sessionKey}.
 */
final class CorrelationCursor {

    /** The page size when {@code limit} is not given, as every listing has. */
    static final int DEFAULT_LIMIT = 100;
    private static final String VERSION = "c1";

    private CorrelationCursor() {
    }

    static String encode(final String id, final boolean byRoot, final CorrelationKey.Position after) {
        final String text = String.join("|", VERSION, kind(byRoot), walk(id), Long.toString(after.offset()), after.sessionKey());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static CorrelationKey.Position decode(final String token, final String id, final boolean byRoot) {
        final String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|", 5);
        } catch (IllegalArgumentException e) {
            throw refused("is not a cursor this API gave");
        }
        if (parts.length != 5 || !parts[0].equals(VERSION)) {
            throw refused("is not a cursor this API gave");
        }
        if (!parts[1].equals(kind(byRoot)) || !parts[2].equals(walk(id))) {
            throw refused("belongs to another walk: keep the id and root while paging");
        }
        try {
            return new CorrelationKey.Position(parts[4], Long.parseLong(parts[3]));
        } catch (NumberFormatException e) {
            throw refused("is not a cursor this API gave");
        }
    }

    private static String kind(final boolean byRoot) {
        return byRoot ? "root" : "id";
    }

    private static String walk(final String id) {
        return Integer.toHexString(id.hashCode());
    }

    private static Problem refused(final String reason) {
        return Problem.badRequest("invalid query parameter cursor", List.of(new FieldError(0, "cursor", reason)));
    }
}
