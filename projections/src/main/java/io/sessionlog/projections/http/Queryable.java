package io.sessionlog.projections.http;

import java.util.function.Supplier;

import io.sessionlog.http.Problem;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/** A query of a local store, answered 503 with Retry-After while the store is not queryable (rebalance, restore). */
final class Queryable {

    private Queryable() {
    }

    /** While a store is not queryable (rebalance, restore) the answer is 503, never a wrong empty answer. */
    static <T> T queryable(final Supplier<T> query) {
        try {
            return query.get();
        } catch (InvalidStateStoreException e) {
            throw notQueryable(e);
        }
    }

    static Problem notQueryable(final Throwable e) {
        return Problem.unavailable("the store is not queryable right now (" + e.getMessage() + "); retry");
    }
}
