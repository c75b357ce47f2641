package io.sessionlog.privacy;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-GCM from the JDK: a version byte (1), a random 12-byte nonce, then the ciphertext and its 16-byte tag. The
 * associated data (a session key, a key's topic key) binds a ciphertext to where it belongs. Random nonces are safe
 * here because each key seals one session's content, far below GCM's 2^32 messages per key.
 */
final class ContentCipher {

    static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /**
     * Nonces from a DRBG per thread: the default NativePRNG serializes every caller of the process on one lock, which
     * request threads sealing at once contended for.
     */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(() -> {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (GeneralSecurityException e) {
            return new SecureRandom();
        }
    });
    /** A Cipher per thread: looking one up (the JDK's provider search) costs more than sealing an event with it. */
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e, e);
        }
    });

    private ContentCipher() {
    }

    static byte[] seal(final SecretKey key, final byte[] associated, final byte[] plaintext) {
        final byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.get().nextBytes(nonce);
        try {
            final Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associated);
            final ByteBuffer out = ByteBuffer.allocate(1 + NONCE_BYTES + cipher.getOutputSize(plaintext.length));
            out.put(VERSION).put(nonce);
            cipher.doFinal(ByteBuffer.wrap(plaintext), out);
            return out.array();
        } catch (GeneralSecurityException e) {
            // AES-GCM is in every JDK; failing here is a broken runtime, not an input.
            throw new IllegalStateException("AES-GCM is not available: " + e, e);
        }
    }

    static byte[] open(final SecretKey key, final byte[] associated, final byte[] sealed) throws GeneralSecurityException {
        if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
            throw new GeneralSecurityException("not a sealed value of version " + VERSION);
        }
        final Cipher cipher = CIPHERS.get();
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
        cipher.updateAAD(associated);
        return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
    }
}
