package io.sessionlog.projections.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The first items of several partitions' scans in one order, each scan read only as far as the answer needs: a page
 * of 100 over four partitions reads about 100 items, not 400.
 */
final class OrderedMerge {

    /** One partition's matches in order; {@code next} is null at the end. Closing releases its store iterator. */
    interface Source<T> extends AutoCloseable {
        T next();

        @Override
        void close();
    }

    private OrderedMerge() {
    }

    /** A scan with nothing in range. */
    static <T> Source<T> empty() {
        return new Source<>() {
            @Override
            public T next() {
                return null;
            }

            @Override
            public void close() {
            }
        };
    }

    static <T> List<T> first(final List<Source<T>> sources, final Comparator<T> order, final int limit) {
        record Head<T>(T item, Source<T> source) {
        }
        final List<T> page = new ArrayList<>(Math.min(limit, 1_000));
        try {
            final PriorityQueue<Head<T>> heads = new PriorityQueue<>((a, b) -> order.compare(a.item(), b.item()));
            for (final Source<T> source : sources) {
                final T item = source.next();
                if (item != null) {
                    heads.add(new Head<>(item, source));
                }
            }
            while (page.size() < limit && !heads.isEmpty()) {
                final Head<T> head = heads.poll();
                page.add(head.item());
                final T item = head.source().next();
                if (item != null) {
                    heads.add(new Head<>(item, head.source()));
                }
            }
            return page;
        } finally {
            sources.forEach(Source::close);
        }
    }
}
