package io.sessionlog.processor;

import java.time.Duration;

/**
 * Session expiry ({@code sessions.ttl.ms}, off when zero): a session without a write for longer than {@code ttl} is
 * removed as a hard delete would remove it. Found by a sweep of each task's sessions, {@code stepSessions} examined
 * every {@code interval} between records, so that expiring a million sessions never holds up stamping.
 */
record ExpiryPace(Duration ttl, int stepSessions, Duration interval) {

    static final ExpiryPace OFF = new ExpiryPace(Duration.ZERO, 1, Duration.ofMillis(100));

    boolean enabled() {
        return !ttl.isZero();
    }

    /** Sessions one step removes at most: a tenth of those it examines (a removal costs about ten reads). */
    int stepRemovals() {
        return Math.max(1, stepSessions / 10);
    }

    /** The pause between the end of one sweep and the start of the next: a tenth of the ttl, from 1 s to 1 h. */
    long sweepGapMs() {
        return Math.max(1_000L, Math.min(ttl.toMillis() / 10, 3_600_000L));
    }
}
