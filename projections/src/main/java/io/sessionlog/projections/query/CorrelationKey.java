package io.sessionlog.projections.query;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.kafka.common.utils.Bytes;

/**
 * The key of the correlation index: the root's length and bytes, the session's length and bytes, the offset. One
 * root's events are contiguous (a prefix scan), ordered by session then offset.
 */
public final class CorrelationKey {

    private CorrelationKey() {
    }

    public static Bytes of(final String root, final String sessionKey, final long offset) {
        final byte[] rootBytes = root.getBytes(StandardCharsets.UTF_8);
        final byte[] session = sessionKey.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(8 + rootBytes.length + session.length + 8).putInt(rootBytes.length).put(rootBytes)
                .putInt(session.length).put(session).putLong(offset).array());
    }

    /** Where a page of a root's events ends: its last event's session and offset. */
    public record Position(String sessionKey, long offset) {
    }

    /** Whether {@code key} is one of the root's whose {@link #prefix} is given. */
    public static boolean startsWith(final Bytes key, final Bytes prefix) {
        final byte[] bytes = key.get();
        return bytes.length >= prefix.get().length && Arrays.equals(bytes, 0, prefix.get().length, prefix.get(), 0, prefix.get().length);
    }

    public static Bytes prefix(final String root) {
        final byte[] rootBytes = root.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(4 + rootBytes.length).putInt(rootBytes.length).put(rootBytes).array());
    }
}
