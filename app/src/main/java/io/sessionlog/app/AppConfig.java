package io.sessionlog.app;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.sessionlog.http.ApiKeys;
import io.sessionlog.schemas.ClusterConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** Settings of the process itself: which roles run, where HTTP listens, the embedded default's folder and ports. */
public final class AppConfig extends AbstractConfig {

    public static final String ROLES = "roles";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String API_KEYS = "http.api.keys";
    public static final String HTTP_ADVERTISED_HOST = "http.advertised.host";
    public static final String HTTP_ALLOWED_HOSTS = "http.allowed.hosts";
    public static final String HTTP_CORS_ALLOWED_ORIGINS = "http.cors.allowed.origins";
    public static final String HTTP_TLS_KEYSTORE_LOCATION = "http.tls.keystore.location";
    public static final String HTTP_TLS_KEYSTORE_PASSWORD = "http.tls.keystore.password";
    public static final String HTTP_TLS_KEYSTORE_TYPE = "http.tls.keystore.type";
    public static final String HTTP_TLS_KEY_PASSWORD = "http.tls.key.password";
    public static final String HTTP_IDLE_TIMEOUT_MS = "http.idle.timeout.ms";
    public static final String HTTP_MAX_CONCURRENT_BODIES = "http.max.concurrent.bodies";
    public static final String HTTP_MAX_SSE_STREAMS = "http.max.sse.streams";
    public static final String HTTP_SSE_HEARTBEAT_MS = "http.sse.heartbeat.ms";
    public static final String HTTP_MIN_REQUEST_DATA_RATE = "http.min.request.data.rate";
    public static final String DATA_DIR = "data.dir";
    public static final String EMBEDDED_KAFKA_PORT = "embedded.kafka.port";

    public static final String INGEST = "ingest";
    public static final String PROCESSOR = "processor";
    public static final String PROJECTIONS = "projections";
    public static final String REGISTRY = "registry";
    private static final Set<String> KNOWN_ROLES = Set.of(INGEST, PROCESSOR, PROJECTIONS, REGISTRY);

    /** Named, so that the configuration reference says what it takes. */
    private static final ConfigDef.Validator ROLES_VALIDATOR = new ConfigDef.Validator() {
        @Override
        public void ensureValid(final String name, final Object value) {
            validateRoles(name, value);
        }

        @Override
        public String toString() {
            return "one or more of " + String.join(", ", List.of(INGEST, PROCESSOR, PROJECTIONS, REGISTRY));
        }
    };

    private static final ConfigDef DEF = ClusterConfig.define(new ConfigDef())
            .define(ROLES, Type.LIST, List.of(INGEST, PROCESSOR, PROJECTIONS), ROLES_VALIDATOR, Importance.HIGH,
                    "Roles this process runs: ingest, processor, projections, registry (comma-separated). The embedded "
                            + "default always runs the registry too.")
            .define(HTTP_HOST, Type.STRING, "127.0.0.1", Importance.HIGH, "Interface the HTTP API listens on.")
            .define(HTTP_PORT, Type.INT, 8080, Range.between(0, 65535), Importance.HIGH, "Port of the HTTP API; 0 picks a free one.")
            .define(HTTP_ADVERTISED_HOST, Type.STRING, "", Importance.MEDIUM,
                    "Host other instances use to reach this one's HTTP API (application.server); empty: http.host, or "
                            + "localhost when that is a wildcard.")
            .define(HTTP_ALLOWED_HOSTS, Type.LIST, "", Importance.LOW,
                    "Without API keys, the names a request's Host header may give besides localhost, 127.0.0.1, [::1] "
                            + "and http.advertised.host; any other is refused (403), so that a web page cannot reach a "
                            + "local instance through DNS rebinding. Not checked when API keys are set.")
            .define(HTTP_CORS_ALLOWED_ORIGINS, Type.LIST, "", Importance.LOW,
                    "Web origins (https://console.example.com) whose pages may call the API from a browser (CORS). "
                            + "Empty: none, so that no web page a user visits can use a local instance.")
            .define(HTTP_IDLE_TIMEOUT_MS, Type.LONG, 30_000L, Range.atLeast(1_000), Importance.LOW,
                    "A connection or a request whose body sends nothing for this long is closed, so that slow clients "
                            + "cannot hold the server's threads.")
            .define(HTTP_MAX_CONCURRENT_BODIES, Type.INT, 64, Range.between(1, 200), Importance.LOW,
                    "Requests with a body (writes) served at once; one more answers 503 with Retry-After. Each holds one "
                            + "of the server's 250 threads while its body arrives, so slow clients cannot take them all.")
            .define(HTTP_MAX_SSE_STREAMS, Type.INT, 256, Range.atLeast(1), Importance.LOW,
                    "Server-Sent Event streams this instance serves at once (each holds a thread while open); one more "
                            + "answers 503 with Retry-After.")
            .define(HTTP_SSE_HEARTBEAT_MS, Type.LONG, 15_000L, Range.between(100, 300_000), Importance.LOW,
                    "An idle event stream sends a comment this often: it keeps proxies from closing the connection, and "
                            + "finds a client that went away, whose stream slot is then free.")
            .define(HTTP_MIN_REQUEST_DATA_RATE, Type.LONG, 1_024L, Range.atLeast(0), Importance.LOW,
                    "Bytes per second a request body must arrive at, on average; a slower one is answered 408. 0 turns it off.")
            .define(HTTP_TLS_KEYSTORE_LOCATION, Type.STRING, "", Importance.HIGH,
                    "A keystore holding the HTTP API's key and certificate: when set, the API is served over HTTPS "
                            + "only (TLS 1.2 or 1.3), and instances forward reads to each other over HTTPS (the JVM's "
                            + "truststore must trust their certificates).")
            .define(HTTP_TLS_KEYSTORE_PASSWORD, Type.PASSWORD, "", Importance.HIGH, "Password of http.tls.keystore.location.")
            .define(HTTP_TLS_KEYSTORE_TYPE, Type.STRING, "PKCS12", Importance.LOW, "Type of http.tls.keystore.location (PKCS12, JKS).")
            .define(HTTP_TLS_KEY_PASSWORD, Type.PASSWORD, "", Importance.LOW,
                    "Password of the key in the keystore; empty: the keystore's password.")
            .define(API_KEYS, Type.PASSWORD, "", Importance.HIGH,
                    "Bearer API keys, comma-separated <key>:<scope>[+<scope>] (scopes read, write, admin). Empty: no "
                            + "authentication, and the HTTP API listens on loopback only.")
            .define(DATA_DIR, Type.STRING, "data", Importance.HIGH,
                    "Folder of the embedded broker's data and the state stores; kept across restarts.")
            .define(EMBEDDED_KAFKA_PORT, Type.INT, 9092, Range.between(0, 65535), Importance.MEDIUM,
                    "Client port of the embedded broker, used when kafka.bootstrap.servers is empty.");

    public AppConfig(final Map<?, ?> values) {
        super(DEF, values);
    }

    public static ConfigDef configDef() {
        return DEF;
    }

    public boolean runs(final String role) {
        return getList(ROLES).contains(role);
    }

    public ApiKeys apiKeys() {
        final String value = getPassword(API_KEYS).value();
        try {
            return ApiKeys.parse(value.isBlank() ? List.of() : List.of(value.split(",")));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(API_KEYS + ": " + e.getMessage());
        }
    }

    /**
     * Where HTTP listens: without API keys, loopback only, whatever {@code http.host} says, so that an
     * unauthenticated API is never exposed by accident.
     */
    public String httpHost() {
        final String host = getString(HTTP_HOST);
        if (apiKeys().enabled() || isLoopback(host)) {
            return host;
        }
        return "127.0.0.1";
    }

    static boolean isLoopback(final String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    /** The Host names a request may give when no API keys are set (empty when they are: any name then). */
    public Set<String> allowedHosts(final String advertisedHost) {
        if (apiKeys().enabled()) {
            return Set.of();
        }
        final Set<String> hosts = new HashSet<>(Set.of("localhost", "127.0.0.1", "[::1]"));
        hosts.add(advertisedHost.toLowerCase(Locale.ROOT));
        hosts.add(httpHost().toLowerCase(Locale.ROOT));
        getList(HTTP_ALLOWED_HOSTS).forEach(host -> hosts.add(host.trim().toLowerCase(Locale.ROOT)));
        return Set.copyOf(hosts);
    }

    public boolean tls() {
        return !getString(HTTP_TLS_KEYSTORE_LOCATION).isBlank();
    }

    public boolean embedded() {
        return getString(ClusterConfig.BOOTSTRAP_SERVERS).isBlank();
    }

    private static void validateRoles(final String name, final Object value) {
        @SuppressWarnings("unchecked")
        final List<String> roles = (List<String>) value;
        if (roles.isEmpty()) {
            throw new ConfigException(name, value, "name at least one role of " + KNOWN_ROLES);
        }
        for (final String role : roles) {
            if (!KNOWN_ROLES.contains(role)) {
                throw new ConfigException(name, value, "unknown role '" + role + "'; roles are " + KNOWN_ROLES);
            }
        }
    }
}
