package io.sessionlog.projections.query;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

import io.sessionlog.schemas.avro.SessionView;

/**
 * One page of a walk through sessions: in {@code sort} order, either way, those {@code filter} accepts, after
 * {@code after} (the last one of the previous page), at most {@code limit}. {@code asOf} (set for walks that sessions
 * can move along, oldest activity first) leaves out sessions changed after the walk began, so that none is met twice.
 */
public record SessionBrowse(Sort sort, boolean descending, SessionFilter filter, Position after, Instant asOf, int limit) {

    /** The orders a walk can take, by their names in the query string. */
    public enum Sort {
        LAST_EVENT_AT, CREATED_AT, ID;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where a session stands in a walk: its sort time (0 for the id order) and its key. */
    public record Position(long micros, String sessionKey) implements Comparable<Position> {
        @Override
        public int compareTo(final Position other) {
            final int byTime = Long.compare(micros, other.micros);
            // By UTF-8 bytes, as the stores order their keys (String.compareTo orders UTF-16 units, not the same).
            return byTime != 0 ? byTime : Arrays.compareUnsigned(sessionKey.getBytes(StandardCharsets.UTF_8),
                    other.sessionKey.getBytes(StandardCharsets.UTF_8));
        }
    }

    public Position positionOf(final SessionView view) {
        return new Position(switch (sort) {
            case LAST_EVENT_AT -> SessionTimeKey.micros(SessionFilter.activity(view));
            case CREATED_AT -> SessionTimeKey.micros(view.getCreatedAt());
            case ID -> 0L;
        }, view.getSessionKey());
    }
}
