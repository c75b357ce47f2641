package io.sessionlog.projections.query;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The key of the correlation index: the root's length and bytes, the session's length and bytes, the offset. One
 * root's events are contiguous (a prefix scan), ordered by session then offset. One more key, whose length field is
 * negative so that no root's scan meets it, holds whether the index is complete ({@link #FILL_STATE}).
 */
public final class CorrelationKey {

    /** Where the index notes how far it was filled from the stored events; absent until the first step. */
    public static final Bytes FILL_STATE = Bytes.wrap(new byte[] {-1, -1, -1, -1});
    private static final byte COMPLETE = 'D';
    private static final byte CONTINUE = 'C';

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

    /** The session and offset of an index key whose root prefix is {@code prefixLength} bytes long. */
    public static Position position(final Bytes key, final int prefixLength) {
        final ByteBuffer buffer = ByteBuffer.wrap(key.get(), prefixLength, key.get().length - prefixLength);
        final byte[] session = new byte[buffer.getInt()];
        buffer.get(session);
        return new Position(new String(session, StandardCharsets.UTF_8), buffer.getLong());
    }

    public static Bytes prefix(final String root) {
        final byte[] rootBytes = root.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(4 + rootBytes.length).putInt(rootBytes.length).put(rootBytes).array());
    }

    /** The order of the index, for merging the scans of several partitions. */
    public static java.util.Comparator<io.sessionlog.schemas.avro.StampedEvent> order(final String root) {
        return java.util.Comparator.comparing(event -> of(root, event.getSessionKey(), event.getOffset()));
    }

    /**
     * Whether a partition's index covers every event it stores: marked complete by its fill, or not begun on a partition
     * that stores no event yet (nothing to fill).
     */
    public static boolean complete(final ReadOnlyKeyValueStore<Bytes, byte[]> index, final ReadOnlyKeyValueStore<Bytes, ?> events) {
        final byte[] state = index.get(FILL_STATE);
        if (state == null) {
            try (KeyValueIterator<Bytes, ?> any = events.all()) {
                return !any.hasNext();
            }
        }
        return complete(state);
    }

    /** Whether {@code state}, the value under {@link #FILL_STATE}, marks the index complete. */
    public static boolean complete(final byte[] state) {
        return state != null && state.length == 1 && state[0] == COMPLETE;
    }

    /** The events-store key a fill continues from; null to start at the first. */
    public static Bytes fillCursor(final byte[] state) {
        return state == null || state.length < 2 ? null : Bytes.wrap(java.util.Arrays.copyOfRange(state, 1, state.length));
    }

    /** The state to keep: complete when {@code next} is null, else continue from it. */
    public static byte[] fillState(final Bytes next) {
        if (next == null) {
            return new byte[] {COMPLETE};
        }
        final byte[] state = new byte[next.get().length + 1];
        state[0] = CONTINUE;
        System.arraycopy(next.get(), 0, state, 1, next.get().length);
        return state;
    }
}
