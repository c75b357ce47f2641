package io.sessionlog.processor;

/**
 * Every node and store of the processor topology, in one place. Store names are also the names of their changelog
 * topics ({@code <application.id>-<store>-changelog}): renaming one loses its state, so a rename is a breaking change.
 */
public final class ProcessorNames {

    public static final String SOURCE = "raw-intents-source";
    public static final String STAMPER = "session-stamper";
    public static final String EVENTS_SINK = "events-sink";
    public static final String SESSIONS_SINK = "sessions-sink";
    public static final String REJECTED_SINK = "rejected-sink";
    public static final String KEYS_SINK = "keys-sink";

    /** Session key → SessionView: the session's state, including its last assigned offset. */
    public static final String SESSIONS_STORE = "session-state";
    /**
     * (session key, event id) → the stamped event as written to {@code events}: deduplication for the life of the
     * session and what a soft delete re-emits, in one store (one read and one write per event).
     */
    public static final String EVENTS_STORE = "session-events";
    /** (session key, correlation root) → the chain's first event and its length so far. */
    public static final String CHAINS_STORE = "session-correlation-chains";
    /**
     * (session key, first offset) → last offset: the session's deleted offsets as ranges, so that unread counts are
     * counted from its deletes, not its events (see DeletedOffsets). Holds entries only for sessions with deletes.
     */
    public static final String DELETED_OFFSETS_STORE = "session-deleted-offsets";
    /** Session key → the progress of a long tail delete whose events are re-emitted in steps (see TailDeletes). */
    public static final String TAIL_DELETES_STORE = "session-tail-deletes";

    private ProcessorNames() {
    }
}
