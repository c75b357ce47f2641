package io.sessionlog.http;

/** Every route path of the HTTP API, in one place: the write and read routes of a resource share their path. */
public final class Paths {

    public static final String SESSIONS = "/v1/sessions";
    public static final String SESSION = "/v1/sessions/{session_id}";
    public static final String SESSION_EVENTS = "/v1/sessions/{session_id}/events";
    public static final String SESSION_EVENT = "/v1/sessions/{session_id}/events/{event_id}";
    public static final String EVENTS = "/v1/events";
    public static final String STATS = "/v1/stats";
    public static final String SYLLABLE_EVENTS = "/v1/syllable/events";
    public static final String INKEEP_EVENTS = "/v1/inkeep/events";
    public static final String INKEEP_CONVERSATION = "/v1/inkeep/conversations/{conversation_id}";
    public static final String INKEEP_QUERY_EVENTS = "/v1/inkeep/query/events";
    public static final String BULK = "/v1/bulk";
    public static final String CORRELATION = "/v1/correlations/{correlation_id}";
    public static final String INSTANCES = "/v1/instances";
    public static final String PROJECTIONS_REBUILD = "/v1/projections/rebuild";
    public static final String CLUSTER = "/v1/cluster";
    public static final String HEALTH = "/health/";
    public static final String HEALTH_LIVE = "/health/live";
    public static final String HEALTH_READY = "/health/ready";
    public static final String METRICS = "/metrics";
    public static final String OPENAPI = "/openapi.json";
    public static final String INDEX = "/";

    private Paths() {
    }
}
