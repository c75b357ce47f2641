package io.sessionlog.schemas;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.sessionlog.schemas.avro.OffsetRange;

/**
 * A session view's {@code pending_deletes}: the offset ranges a tail delete deleted whose events are still being
 * re-emitted as deleted. The processor adds to them when it paces a delete; readers of the view treat an event in one
 * as deleted. Kept sorted and disjoint; a session has one or two at most (its tail deletes during one walk).
 */
public final class PendingDeletes {

    private PendingDeletes() {
    }

    /** The ranges with {@code first..last} added, merged with any it overlaps or touches. */
    public static List<OffsetRange> with(final List<OffsetRange> ranges, final long first, final long last) {
        final List<OffsetRange> sorted = new ArrayList<>(ranges);
        sorted.add(new OffsetRange(first, last));
        sorted.sort(Comparator.comparingLong(OffsetRange::getFirst));
        final List<OffsetRange> merged = new ArrayList<>();
        for (final OffsetRange range : sorted) {
            final OffsetRange previous = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (previous != null && range.getFirst() <= previous.getLast() + 1) {
                previous.setLast(Math.max(previous.getLast(), range.getLast()));
            } else {
                merged.add(new OffsetRange(range.getFirst(), range.getLast()));
            }
        }
        return merged;
    }

    /** The range that holds {@code offset}, or null. */
    public static OffsetRange covering(final List<OffsetRange> ranges, final long offset) {
        for (final OffsetRange range : ranges) {
            if (range.getFirst() <= offset && offset <= range.getLast()) {
                return range;
            }
        }
        return null;
    }
}
