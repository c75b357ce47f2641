package io.sessionlog.schemas.keys;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Bytes;

/**
 * The state-store key of one event of a session: the session key's length (4 bytes), its UTF-8 bytes, then the
 * offset (8 bytes, big-endian). Stores compare keys bytewise, so one session's events are contiguous and ordered by
 * offset, and a listing is a range scan from (session, min) to (session, max) rather than a scan of everything.
 */
public final class SessionOffsetKey {

    private SessionOffsetKey() {
    }

    public static Bytes of(final String sessionKey, final long offset) {
        final byte[] session = sessionKey.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(4 + session.length + 8).putInt(session.length).put(session).putLong(offset).array());
    }

    /** The common prefix of every key of a session (the session key's length and bytes), for a prefix scan. */
    public static Bytes prefix(final String sessionKey) {
        return SessionEventIdKey.prefix(sessionKey);
    }

    /** The first key of a session from {@code minOffset} on. */
    public static Bytes from(final String sessionKey, final long minOffset) {
        return of(sessionKey, Math.max(0, minOffset));
    }

    /** The last possible key of a session. */
    public static Bytes to(final String sessionKey) {
        return of(sessionKey, Long.MAX_VALUE);
    }

    public static long offset(final Bytes key) {
        final byte[] bytes = key.get();
        return ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
    }

    public static String sessionKey(final Bytes key) {
        final ByteBuffer buffer = ByteBuffer.wrap(key.get());
        final int length = buffer.getInt();
        return new String(key.get(), 4, length, StandardCharsets.UTF_8);
    }
}
