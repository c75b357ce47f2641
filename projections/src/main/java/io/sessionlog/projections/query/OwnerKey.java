package io.sessionlog.projections.query;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.kafka.common.utils.Bytes;

/**
 * The key of the sessions-by-owner index: a kind byte ({@code a} agent, {@code u} user), the owner id's length and
 * bytes, then the session key's bytes. One owner's sessions are contiguous and ordered by session key.
 */
public final class OwnerKey {

    public static final byte AGENT = 'a';
    public static final byte USER = 'u';

    private OwnerKey() {
    }

    public static Bytes of(final byte kind, final String owner, final String sessionKey) {
        final byte[] prefix = prefix(kind, owner).get();
        final byte[] session = sessionKey.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(prefix.length + session.length).put(prefix).put(session).array());
    }

    public static Bytes prefix(final byte kind, final String owner) {
        final byte[] id = owner.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + 4 + id.length).put(kind).putInt(id.length).put(id).array());
    }

    public static String sessionKey(final Bytes key, final Bytes prefix) {
        final byte[] bytes = key.get();
        return new String(Arrays.copyOfRange(bytes, prefix.get().length, bytes.length), StandardCharsets.UTF_8);
    }
}
