package io.sessionlog.projections;

/**
 * Every node and store of the projections topology, in one place. Store names are the names interactive queries
 * use and the suffix of their changelog topics: a rename is a breaking change.
 */
public final class ProjectionNames {

    public static final String EVENTS_SOURCE = "events-source";
    public static final String SESSIONS_SOURCE = "sessions-source";
    public static final String EVENT_PROJECTOR = "event-projector";
    public static final String SESSION_PROJECTOR = "session-projector";

    /** (session key, offset) → StampedEvent: listings are range scans of one session. */
    public static final String EVENTS_STORE = "events-by-session-offset";
    /** (session key, event id) → offset: one event by id. */
    public static final String EVENT_IDS_STORE = "event-offsets-by-id";
    /**
     * (every event, or one type shown; event time; session key; offset) → nothing: events across sessions by time,
     * this instance's partitions.
     */
    public static final String EVENTS_BY_TIME_STORE = "events-by-time";
    /**
     * (correlation root, session key, offset) → nothing: the events of a root in this instance's partitions, read from
     * {@link #EVENTS_STORE}. Replaced {@code events-by-correlation-root} (whole events, re-keyed by root through the
     * {@code correlations-by-root} repartition topic), whose changelog and repartition topic a data dir of that layout
     * still holds (docs/operations.md).
     */
    public static final String CORRELATION_INDEX_STORE = "event-refs-by-correlation-root";
    /** (agent or user id, session key) → nothing: the sessions of an agent or a user, this instance's partitions. */
    public static final String OWNERS_STORE = "sessions-by-owner";
    /**
     * (A for last activity or C for creation, time, session key) → nothing: sessions in time order, this instance's
     * partitions, for most-recent-first listings.
     */
    public static final String SESSIONS_BY_TIME_STORE = "sessions-by-time";
    /** Session key → SessionView. */
    public static final String SESSIONS_STORE = "session-views";

    private ProjectionNames() {
    }
}
