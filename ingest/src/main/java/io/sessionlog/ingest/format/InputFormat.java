package io.sessionlog.ingest.format;

import java.util.Locale;
import java.util.Optional;

/** The event formats of contract §2, by their letters. */
public enum InputFormat {
    /** flux0 EventDTO. */
    E,
    /** Syllable Event. */
    Y,
    /** Inkeep InsertConversationEvent, InsertMessageEvent or InsertSearchEvent. */
    K;

    public static Optional<InputFormat> parse(final String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(text.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
