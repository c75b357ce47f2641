package io.sessionlog.projections.query;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Where an event's latest record sits on the events topic: its partition and offset, kept as the value of the
 * event's entry in {@code events-by-time} (12 bytes). Entries projected before positions were kept hold nothing.
 */
public record KafkaPosition(int partition, long offset) {

    private static final int SIZE = Integer.BYTES + Long.BYTES;

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).putInt(partition).putLong(offset).array();
    }

    public static Optional<KafkaPosition> decode(final byte[] value) {
        if (value == null || value.length != SIZE) {
            return Optional.empty();
        }
        final ByteBuffer buffer = ByteBuffer.wrap(value);
        return Optional.of(new KafkaPosition(buffer.getInt(), buffer.getLong()));
    }
}
