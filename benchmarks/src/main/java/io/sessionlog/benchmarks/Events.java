package io.sessionlog.benchmarks;

import java.nio.charset.StandardCharsets;

/** Realistic event bodies (~400 bytes each, like the reference figures), spread over many sessions. */
final class Events {

    private static final int SESSIONS = 1_000;

    private Events() {
    }

    /** {@code count} Syllable events as one body (an object, or an array when count > 1). */
    static byte[] syllable(final int n, final int count) {
        final StringBuilder body = new StringBuilder(count * 420);
        if (count > 1) {
            body.append('[');
        }
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                body.append(',');
            }
            body.append(syllableLine(n * count + i, SESSIONS));
        }
        if (count > 1) {
            body.append(']');
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String syllableLine(final long n, final int sessions) {
        return "{\"timestamp\":\"2025-03-07T14:02:11.482Z\",\"session_id\":\"bench-" + (n % sessions) + "\","
                + "\"conversation_id\":\"c-" + (n % sessions) + "\",\"source\":\"tool-call\",\"source_id\":\"transfer_to_pharmacy\","
                + "\"category\":\"automation\",\"type\":\"phone-transfer\",\"user_id\":\"+18042221111\","
                + "\"description\":\"Transfer to phone number +18042221111, request " + n + "\","
                + "\"attributes\":{\"destination\":\"+18042229999\",\"transfer_mode\":\"refer\",\"duration_ms\":" + (n % 9000) + "}}";
    }
}
