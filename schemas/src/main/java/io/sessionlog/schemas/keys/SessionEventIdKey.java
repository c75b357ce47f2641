package io.sessionlog.schemas.keys;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Bytes;

/** The state-store key of an event id within a session: the session key's length, its bytes, then the event id. */
public final class SessionEventIdKey {

    private SessionEventIdKey() {
    }

    /** The common prefix of every key of a session, for a prefix scan. */
    public static Bytes prefix(final String sessionKey) {
        final byte[] session = sessionKey.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(4 + session.length).putInt(session.length).put(session).array());
    }

    public static Bytes of(final String sessionKey, final String eventId) {
        final byte[] session = sessionKey.getBytes(StandardCharsets.UTF_8);
        final byte[] id = eventId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(4 + session.length + id.length).putInt(session.length).put(session).put(id).array());
    }
}
