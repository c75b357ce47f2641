package io.sessionlog.projections.query;

/** Where the answer for one session lives. */
public sealed interface Route {

    /** This instance holds the session's partition (the active copy, or a standby when staleness is allowed). */
    record Local(int partition, boolean stale) implements Route {
        /** Every partition this instance holds, for queries that gather from all instances. */
        public static final Local EVERY_LOCAL_PARTITION = new Local(-1, false);
    }

    /** Another instance holds it: forward the request there ({@code host:port}). */
    record Remote(String hostPort, int partition) implements Route {
    }

    /** Nobody can answer right now (rebalance, restore): 503. */
    record Unavailable(String why) implements Route {
    }
}
