package io.sessionlog.app.erasure;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Which keys of a topic or changelog belong to one session, by the layouts the stores use: the session key itself
 * (the topics, views, tail deletes), its length and bytes (events by offset or id, chains, deleted offsets, the
 * correlation index), its bytes then a 0 byte and an offset (events by time), or its bytes at the end (the owner and
 * time indexes of sessions).
 */
final class SessionRecords {

    private final byte[] session;
    /** The session's length and bytes, one char a byte (ISO-8859-1), to find inside a key. */
    private final String lengthAndSession;
    private final boolean endsWithSession;

    private SessionRecords(final String session, final boolean endsWithSession) {
        this.session = session.getBytes(StandardCharsets.UTF_8);
        this.lengthAndSession = new String(ByteBuffer.allocate(4 + this.session.length).putInt(this.session.length).put(this.session).array(),
                StandardCharsets.ISO_8859_1);
        this.endsWithSession = endsWithSession;
    }

    /** Keys of a store whose keys may end with the session's bytes (owner and time indexes). */
    static SessionRecords endingWith(final String session) {
        return new SessionRecords(session, true);
    }

    static SessionRecords of(final String session) {
        return new SessionRecords(session, false);
    }

    boolean matches(final byte[] key) {
        if (key == null) {
            return false;
        }
        if (Arrays.equals(key, session) || new String(key, StandardCharsets.ISO_8859_1).contains(lengthAndSession)) {
            return true;
        }
        final int timeKeyStart = key.length - session.length - 1 - Long.BYTES;
        if (timeKeyStart >= 0 && key[key.length - 1 - Long.BYTES] == 0
                && Arrays.equals(key, timeKeyStart, timeKeyStart + session.length, session, 0, session.length)) {
            return true;
        }
        return endsWithSession && key.length > session.length
                && Arrays.equals(key, key.length - session.length, key.length, session, 0, session.length);
    }
}
