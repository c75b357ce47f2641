package io.sessionlog.ingest.format;

import java.security.SecureRandom;

/**
 * flux0's session ids (flux0_core/ids.py gen_id): 10 characters of {@code [A-Za-z0-9-]}, never starting or ending
 * with {@code -}. Random, as flux0's are: two sessions created with the same body are two sessions.
 */
public final class SessionIds {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-";
    private static final int LENGTH = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SessionIds() {
    }

    public static String generate() {
        final char[] id = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            final boolean edge = i == 0 || i == LENGTH - 1;
            id[i] = ALPHABET.charAt(RANDOM.nextInt(edge ? ALPHABET.length() - 1 : ALPHABET.length()));
        }
        return new String(id);
    }
}
