package io.sessionlog.projections.query;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Bytes;

/**
 * The key of the events-by-time index: a prefix (one byte {@code E} for every event, or {@code T} and the index of
 * the type shown in {@link Flux0View#TYPES} for one type), the event time in microseconds with its sign bit flipped,
 * the session key's bytes, a 0 byte and the offset. A scan of one prefix lists events by time, then session, then
 * offset, either way.
 */
public final class EventTimeKey {

    private static final byte ALL = 'E';
    private static final byte BY_TYPE = 'T';

    private EventTimeKey() {
    }

    /** The prefix of every event, or of the events showing {@code type}. */
    public static byte[] prefix(final String type) {
        return type == null ? new byte[] {ALL} : new byte[] {BY_TYPE, (byte) Flux0View.TYPES.indexOf(type)};
    }

    public static Bytes of(final byte[] prefix, final long micros, final String sessionKey, final long offset) {
        final byte[] session = sessionKey.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(prefix.length + Long.BYTES + session.length + 1 + Long.BYTES)
                .put(prefix).putLong(micros ^ Long.MIN_VALUE).put(session).put((byte) 0).putLong(offset).array());
    }

    /** Before every event of the prefix at {@code micros}. */
    public static Bytes first(final byte[] prefix, final long micros) {
        return Bytes.wrap(ByteBuffer.allocate(prefix.length + Long.BYTES).put(prefix).putLong(micros ^ Long.MIN_VALUE).array());
    }

    /** After every event of the prefix at {@code micros}: UTF-8 never holds the byte 0xFF. */
    public static Bytes last(final byte[] prefix, final long micros) {
        return Bytes.wrap(ByteBuffer.allocate(prefix.length + Long.BYTES + 1).put(prefix).putLong(micros ^ Long.MIN_VALUE)
                .put((byte) 0xFF).array());
    }

    public static long micros(final Bytes key, final int prefixLength) {
        return ByteBuffer.wrap(key.get(), prefixLength, Long.BYTES).getLong() ^ Long.MIN_VALUE;
    }

    public static String sessionKey(final Bytes key, final int prefixLength) {
        final byte[] bytes = key.get();
        final int start = prefixLength + Long.BYTES;
        return new String(bytes, start, bytes.length - start - 1 - Long.BYTES, StandardCharsets.UTF_8);
    }

    public static long offset(final Bytes key) {
        final byte[] bytes = key.get();
        return ByteBuffer.wrap(bytes, bytes.length - Long.BYTES, Long.BYTES).getLong();
    }
}
