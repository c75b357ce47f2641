package io.sessionlog.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

import io.sessionlog.schemas.keys.SessionOffsetKey;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The deleted offsets of each session, as ranges: (session, first offset) → last offset, disjoint and never adjacent
 * (a delete next to a range joins it). A tail delete is one entry and single deletes one each, so counting the deleted
 * offsets above a consumer's offset reads the ranges above it, not the session's events: a consumption patch costs
 * O(deleted ranges above the offset) whatever the session's length.
 *
 * <p>A session whose events were deleted before this index existed has no entries: {@link #isComplete} tells, from
 * a marker every indexed session gets at its first delete, and the caller indexes such a session once from its events.
 */
final class DeletedOffsets {

    /** Marks a session whose deletes are all indexed; offset -1 sorts after every offset of the session. */
    private static final long MARKER = -1L;

    private final KeyValueStore<Bytes, Long> ranges;

    DeletedOffsets(final KeyValueStore<Bytes, Long> ranges) {
        this.ranges = ranges;
    }

    /** Forgets every deleted range of the session (a hard delete removes the session). */
    void removeSession(final String session) {
        SessionErasure.remove(ranges, session);
    }

    /** Whether every deleted offset of the session is indexed: it has none yet, or it was marked. */
    boolean isComplete(final String session, final long deletedCount) {
        return deletedCount == 0 || ranges.get(SessionOffsetKey.of(session, MARKER)) != null;
    }

    /** Marks the session's index complete, once its earlier deletes (if any) are in it. */
    void markComplete(final String session) {
        ranges.put(SessionOffsetKey.of(session, MARKER), MARKER);
    }

    /**
     * Deletes offsets {@code first..last} of the session; returns how many of them were not deleted before. Reads the
     * range that may hold {@code first} and those starting within {@code first..last+1}, which it joins into one.
     */
    long add(final String session, final long first, final long last) {
        if (last < first) {
            return 0;
        }
        long start = first;
        long end = last;
        long alreadyDeleted = 0;
        final Range before = rangeAtOrBefore(session, first - 1);
        if (before != null && before.last >= first - 1) {
            start = before.first;
            alreadyDeleted += overlap(before, first, last);
            end = Math.max(end, before.last);
        }
        final List<Bytes> joined = new ArrayList<>();
        try (KeyValueIterator<Bytes, Long> within = ranges.range(SessionOffsetKey.of(session, first),
                SessionOffsetKey.of(session, safeNext(last)))) {
            while (within.hasNext()) {
                final var entry = within.next();
                final Range range = new Range(SessionOffsetKey.offset(entry.key), entry.value);
                alreadyDeleted += overlap(range, first, last);
                end = Math.max(end, range.last);
                joined.add(entry.key);
            }
        }
        // Removed after the walk, not during it; the joined range is written under its first offset.
        final Bytes joinedKey = SessionOffsetKey.of(session, start);
        joined.stream().filter(key -> !key.equals(joinedKey)).forEach(ranges::delete);
        ranges.put(joinedKey, end);
        return (last - first + 1) - alreadyDeleted;
    }

    /** Whether the offset is deleted. */
    boolean contains(final String session, final long offset) {
        final Range range = rangeAtOrBefore(session, offset);
        return range != null && range.last >= offset;
    }

    /** How many deleted offsets the session has above {@code offset}. */
    long countAbove(final String session, final long offset) {
        long count = 0;
        final Range holding = rangeAtOrBefore(session, offset);
        if (holding != null && holding.last > offset) {
            count += holding.last - offset;
        }
        try (KeyValueIterator<Bytes, Long> above = ranges.range(SessionOffsetKey.of(session, safeNext(offset)),
                SessionOffsetKey.to(session))) {
            while (above.hasNext()) {
                final var entry = above.next();
                count += entry.value - SessionOffsetKey.offset(entry.key) + 1;
            }
        }
        return count;
    }

    /** The session's deleted ranges that end at or after {@code offset}, first offset → last, for a walk of its events. */
    NavigableMap<Long, Long> rangesFrom(final String session, final long offset) {
        final NavigableMap<Long, Long> found = new TreeMap<>();
        final Range holding = rangeAtOrBefore(session, offset);
        if (holding != null && holding.last >= offset) {
            found.put(holding.first, holding.last);
        }
        try (KeyValueIterator<Bytes, Long> above = ranges.range(SessionOffsetKey.of(session, safeNext(offset)),
                SessionOffsetKey.to(session))) {
            above.forEachRemaining(entry -> found.put(SessionOffsetKey.offset(entry.key), entry.value));
        }
        return found;
    }

    /** The range starting at or before {@code offset} nearest to it, or null: one seek backwards. */
    private Range rangeAtOrBefore(final String session, final long offset) {
        if (offset < 0) {
            return null;
        }
        try (KeyValueIterator<Bytes, Long> back = ranges.reverseRange(SessionOffsetKey.of(session, 0), SessionOffsetKey.of(session, offset))) {
            if (!back.hasNext()) {
                return null;
            }
            final var entry = back.next();
            return new Range(SessionOffsetKey.offset(entry.key), entry.value);
        }
    }

    private static long overlap(final Range range, final long first, final long last) {
        return Math.max(0, Math.min(range.last, last) - Math.max(range.first, first) + 1);
    }

    /** The offset after {@code offset}, kept within the key space (offsets are never Long.MAX_VALUE in practice). */
    private static long safeNext(final long offset) {
        return offset == Long.MAX_VALUE ? offset : Math.max(0, offset + 1);
    }

    private record Range(long first, long last) {
    }
}
