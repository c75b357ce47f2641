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

    /** The topic a store is fed from, whose partitions it is split by (events or sessions). */
    String sourceTopic(String store);

    /** Every instance of the projections app, with what it holds. */
    List<Instance> instances();

    /** One instance: its {@code host:port} and the partitions it holds, active and standby. */
    record Instance(String hostPort, boolean self, List<String> active, List<String> standby) {
    }
}
