package io.sessionlog.projections.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;

import io.sessionlog.http.FieldError;
import io.sessionlog.http.Problem;
import io.sessionlog.projections.query.SessionBrowse;
import io.sessionlog.projections.query.SessionTimeKey;

/**
 * The opaque {@code cursor} of a session walk: its sort and order (a cursor is valid only for the walk it came from),
 * the last session's position, and the time the walk began when it needs one. Base64url of
 * {@code 1|sort|order|micros|asOfMicros|sessionKey}; a cursor without a position starts a walk.
 */
record BrowseCursor(SessionBrowse.Sort sort, boolean descending, SessionBrowse.Position after, Instant asOf) {

    private static final String VERSION = "1";

    String encode() {
        final String text = String.join("|", VERSION, sort.wireName(), descending ? "desc" : "asc",
                after == null ? "" : Long.toString(after.micros()), asOf == null ? "" : Long.toString(SessionTimeKey.micros(asOf)),
                after == null ? "" : after.sessionKey());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor given, checked against the walk asked for: another walk's cursor is refused. */
    static BrowseCursor decode(final String token, final SessionBrowse.Sort sort, final boolean descending) {
        final String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|", 6);
        } catch (IllegalArgumentException e) {
            throw refused("is not a cursor this API gave");
        }
        if (parts.length != 6 || !parts[0].equals(VERSION)) {
            throw refused("is not a cursor this API gave");
        }
        if (!parts[1].equals(sort.wireName()) || !parts[2].equals(descending ? "desc" : "asc")) {
            throw refused("belongs to a walk by " + parts[1] + " " + parts[2] + ", not by " + sort.wireName() + " "
                    + (descending ? "desc" : "asc") + ": keep sort and order while paging");
        }
        try {
            final SessionBrowse.Position after = parts[3].isEmpty() ? null : new SessionBrowse.Position(Long.parseLong(parts[3]), parts[5]);
            final Instant asOf = parts[4].isEmpty() ? null : Instant.EPOCH.plus(Long.parseLong(parts[4]), ChronoUnit.MICROS);
            return new BrowseCursor(sort, descending, after, asOf);
        } catch (ArithmeticException | java.time.DateTimeException | NumberFormatException e) {
            throw refused("is not a cursor this API gave");
        }
    }

    private static Problem refused(final String reason) {
        return Problem.badRequest("invalid query parameter cursor", List.of(new FieldError(0, "cursor", reason)));
    }
}
