package io.sessionlog.projections.query;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Bytes;

/**
 * The key of the sessions-by-time index: an order byte ({@code A} last activity, {@code C} creation), the time in
 * microseconds with its sign bit flipped (so that unsigned byte order is time order, before 1970 included), then the
 * session key's bytes. A scan of one order byte lists sessions by that time, ties broken by session key, either way.
 */
public final class SessionTimeKey {

    public static final byte ACTIVITY = 'A';
    public static final byte CREATION = 'C';
    private static final int HEADER = 1 + Long.BYTES;

    private SessionTimeKey() {
    }

    public static Bytes of(final byte order, final long micros, final String sessionKey) {
        final byte[] session = sessionKey.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(HEADER + session.length).put(order).putLong(micros ^ Long.MIN_VALUE)
                .put(session).array());
    }

    /** The smallest key of this order at {@code micros}: before every session of that time. */
    public static Bytes first(final byte order, final long micros) {
        return Bytes.wrap(ByteBuffer.allocate(HEADER).put(order).putLong(micros ^ Long.MIN_VALUE).array());
    }

    /** A key after every key of this order at {@code micros}: UTF-8 never holds the byte 0xFF. */
    public static Bytes last(final byte order, final long micros) {
        return Bytes.wrap(ByteBuffer.allocate(HEADER + 1).put(order).putLong(micros ^ Long.MIN_VALUE).put((byte) 0xFF).array());
    }

    public static long micros(final java.time.Instant time) {
        return Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1_000);
    }

    public static long micros(final Bytes key) {
        return ByteBuffer.wrap(key.get(), 1, Long.BYTES).getLong() ^ Long.MIN_VALUE;
    }

    public static String sessionKey(final Bytes key) {
        final byte[] bytes = key.get();
        return new String(bytes, HEADER, bytes.length - HEADER, StandardCharsets.UTF_8);
    }
}
