package io.sessionlog.ingest.format;

/** An item over the per-event size limit. */
public final class TooLargeException extends RuntimeException {

    public TooLargeException(final String message) {
        super(message);
    }
}
