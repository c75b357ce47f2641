package io.sessionlog.projections.query;

import java.util.List;

/** Which instance answers for a session, and which instances there are. */
public interface Router {

    /**
     * @param store      the store that answers (its source topic decides the partition)
     * @param key        the session key, or the correlation root for the correlation index
     * @param allowStale whether a standby copy on this instance may answer
     */
    Route route(String store, String key, boolean allowStale);

    /** Every instance of the projections app, with what it holds. */
    List<Instance> instances();

    /** One instance: its {@code host:port} and the partitions it holds, active and standby. */
    record Instance(String hostPort, boolean self, List<String> active, List<String> standby) {
    }

    /** A single instance holding everything: for tests and a lone projections role. */
    static Router local() {
        return new Router() {
            @Override
            public Route route(final String store, final String key, final boolean allowStale) {
                return new Route.Local(0, false);
            }

            @Override
            public List<Instance> instances() {
                return List.of(new Instance("local", true, List.of("all"), List.of()));
            }
        };
    }
}
