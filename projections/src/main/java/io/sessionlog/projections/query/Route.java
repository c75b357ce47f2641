package io.sessionlog.projections.query;

/** Where the answer for one session lives. */
public sealed interface Route {

    /** This instance holds the session's partition (the active copy, or a standby when staleness is allowed). */
    record Local(int partition, boolean stale) implements Route {
    }

    /** Another instance holds it: forward the request there ({@code host:port}). */
    record Remote(String hostPort, int partition) implements Route {
    }

    /** Nobody can answer right now (rebalance, restore): 503. */
    record Unavailable(String why) implements Route {
    }
}
