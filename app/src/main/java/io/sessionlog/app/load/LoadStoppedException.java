package io.sessionlog.app.load;

/** The load could not go on; {@code resumeLine} is where a new run with --from-line picks up (-1: from the start). */
final class LoadStoppedException extends RuntimeException {

    private final long resumeLine;

    LoadStoppedException(final String message, final long resumeLine) {
        super(message);
        this.resumeLine = resumeLine;
    }

    long resumeLine() {
        return resumeLine;
    }
}
