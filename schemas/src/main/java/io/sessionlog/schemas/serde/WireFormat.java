package io.sessionlog.schemas.serde;

import java.nio.ByteBuffer;

import org.apache.kafka.common.errors.SerializationException;

/** Confluent's wire format: magic byte 0, a 4-byte big-endian schema id, then the Avro binary encoding. */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** The schema id of a framed value; refuses anything not in the wire format. */
    public static int schemaId(final byte[] framed) {
        if (framed.length < HEADER_SIZE) {
            throw new SerializationException("not Confluent wire format: " + framed.length + " byte(s), fewer than the 5-byte header");
        }
        if (framed[0] != MAGIC_BYTE) {
            throw new SerializationException("Unknown magic byte " + framed[0] + ": not Confluent wire format");
        }
        return ByteBuffer.wrap(framed, 1, 4).getInt();
    }
}
