package io.sessionlog.projections.query;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.sessionlog.schemas.avro.StampedEvent;

/**
 * One page of a walk through events across sessions, by event time then session then offset, either way: those
 * {@code search} accepts, after {@code after}, at most {@code limit}.
 */
public record EventBrowse(boolean descending, EventSearch search, Position after, int limit) {

    /** Where an event stands in a walk. Sessions compare by their UTF-8 bytes, as the index orders them. */
    public record Position(long micros, String sessionKey, long offset) implements Comparable<Position> {
        @Override
        public int compareTo(final Position other) {
            int compared = Long.compare(micros, other.micros);
            if (compared == 0) {
                compared = Arrays.compareUnsigned(sessionKey.getBytes(StandardCharsets.UTF_8),
                        other.sessionKey.getBytes(StandardCharsets.UTF_8));
            }
            return compared != 0 ? compared : Long.compare(offset, other.offset);
        }

        public static Position of(final StampedEvent event) {
            return new Position(SessionTimeKey.micros(event.getEvent().getOccurredAt()), event.getSessionKey(), event.getOffset());
        }
    }
}
