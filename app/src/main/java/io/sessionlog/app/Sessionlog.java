package io.sessionlog.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.javalin.Javalin;
import io.sessionlog.console.Console;
import io.sessionlog.embedded.EmbeddedKafkaCluster;
import io.sessionlog.http.ApiKeys;
import io.sessionlog.http.BodyReadLimit;
import io.sessionlog.http.ProblemErrorHandler;
import io.sessionlog.http.Problems;
import io.sessionlog.http.RequestGuards;
import io.sessionlog.ingest.IngestConfig;
import io.sessionlog.ingest.http.IngestRoutes;
import io.sessionlog.ingest.kafka.IntentPublisher;
import io.sessionlog.processor.ProcessorConfig;
import io.sessionlog.processor.ProcessorService;
import io.sessionlog.projections.ProjectionsConfig;
import io.sessionlog.projections.ProjectionsService;
import io.sessionlog.projections.http.QueryRoutes;
import io.sessionlog.projections.http.RebuildRoutes;
import io.sessionlog.projections.http.SessionDeleter;
import io.sessionlog.projections.query.SessionQueries;
import io.sessionlog.projections.query.SessionUpdates;
import io.sessionlog.projections.query.StatsKey;
import io.sessionlog.registry.RegistryConfig;
import io.sessionlog.registry.SchemaRegistryServer;
import io.sessionlog.privacy.PrivacyConfig;
import io.sessionlog.privacy.Sealer;
import io.sessionlog.privacy.SessionKeys;
import io.sessionlog.privacy.Unsealer;
import io.sessionlog.schemas.ClusterConfig;
import io.sessionlog.schemas.TopicProvisioner;
import io.sessionlog.schemas.TopicSettings;
import io.sessionlog.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sessionlog process: on the embedded default a real KRaft broker and a schema registry first, then the roles it
 * runs (ingest, processor, projections) behind one HTTP server. Started in dependency order, closed in reverse.
 */
public final class Sessionlog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sessionlog.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Map<String, java.util.function.Supplier<String>> roleStates = new LinkedHashMap<>();
    private String bootstrapServers;
    private String registryUrl;
    private Javalin http;
    private String scheme = "http";

    private Sessionlog() {
    }

    /** Starts everything {@code settings} asks for; on failure, stops what had started and rethrows. */
    public static Sessionlog start(final Map<String, String> settings) {
        final Sessionlog app = new Sessionlog();
        try {
            app.startAll(new HashMap<>(settings));
            return app;
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
    }

    private void startAll(final Map<String, String> settings) {
        final long begin = System.nanoTime();
        final AppConfig config = new AppConfig(settings);
        final Path dataDir = Path.of(config.getString(AppConfig.DATA_DIR)).toAbsolutePath();
        if (config.embedded()) {
            started.push(DataDirLock.acquire(dataDir));
            final EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder(dataDir.resolve("kafka"))
                    .brokerPort(config.getInt(AppConfig.EMBEDDED_KAFKA_PORT)).build();
            started.push(kafka);
            kafka.start(Duration.ofSeconds(60));
            settings.put(ClusterConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        }
        bootstrapServers = settings.get(ClusterConfig.BOOTSTRAP_SERVERS);
        settings.putIfAbsent(ProcessorConfig.STATE_DIR, dataDir.resolve("streams").toString());
        settings.putIfAbsent(ProjectionsConfig.STATE_DIR, dataDir.resolve("streams").toString());

        if (config.embedded() || config.runs(AppConfig.REGISTRY)) {
            final SchemaRegistryServer registry = SchemaRegistryServer.start(new RegistryConfig(settings));
            started.push(registry);
            // The serdes of this process use its own registry unless told otherwise.
            if (!settings.containsKey(ClusterConfig.SCHEMA_REGISTRY_URL)) {
                settings.put(ClusterConfig.SCHEMA_REGISTRY_URL, registry.url());
            }
        }
        registryUrl = new AppConfig(settings).getString(ClusterConfig.SCHEMA_REGISTRY_URL);

        final AppConfig resolved = new AppConfig(settings);
        TopicProvisioner.ensureTopics(ClusterConfig.kafkaClientConfig(resolved), new Topics(resolved.getString(ClusterConfig.TOPIC_PREFIX)),
                resolved.getInt(ClusterConfig.TOPIC_PARTITIONS), resolved.getShort(ClusterConfig.TOPIC_REPLICATION_FACTOR),
                TopicSettings.of(resolved));
        startRoles(resolved, settings);
        LOG.info("sessionlog ready in {} ms: HTTP {}, Kafka {}, schema registry {}, roles {}",
                Duration.ofNanos(System.nanoTime() - begin).toMillis(), httpUrl(), bootstrapServers, registryUrl,
                resolved.getList(AppConfig.ROLES));
    }

    private void startRoles(final AppConfig config, final Map<String, String> settings) {
        final boolean serves = config.runs(AppConfig.INGEST) || config.runs(AppConfig.PROJECTIONS);
        final MetricsRoutes metrics = new MetricsRoutes();
        scheme = config.tls() ? "https" : "http";
        final String advertisedHost = config.getString(AppConfig.HTTP_ADVERTISED_HOST).isBlank()
                ? advertised(config.httpHost()) : config.getString(AppConfig.HTTP_ADVERTISED_HOST);
        final Console[] console = new Console[1];
        http = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            console[0] = Console.install(cfg);
            cfg.http.maxRequestSize = new IngestConfig(settings).getInt(IngestConfig.MAX_REQUEST_BYTES);
            // Slow clients (a body announced and never sent) are cut off instead of holding a server thread each.
            // Javalin answers a request Jetty timed out or saw aborted with 500; neither is the server's fault.
            cfg.jetty.timeoutStatus = 408;
            cfg.jetty.clientAbortStatus = 400;
            cfg.jetty.modifyHttpConfiguration(jetty -> {
                jetty.setIdleTimeout(config.getLong(AppConfig.HTTP_IDLE_TIMEOUT_MS));
                jetty.setMinRequestDataRate(config.getLong(AppConfig.HTTP_MIN_REQUEST_DATA_RATE));
            });
            if (config.tls()) {
                cfg.jetty.addConnector((server, jetty) -> HttpsConnector.create(server, jetty, config));
            }
            final List<String> origins = config.getList(AppConfig.HTTP_CORS_ALLOWED_ORIGINS);
            if (!origins.isEmpty()) {
                cfg.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                    rule.allowHost(origins.get(0), origins.subList(1, origins.size()).toArray(String[]::new));
                    rule.exposeHeader("Retry-After");
                    rule.exposeHeader(QueryRoutes.STALE_HEADER);
                }));
            }
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new ProblemErrorHandler()));
            cfg.jetty.modifyServletContextHandler(context -> {
                context.setErrorHandler(new ProblemErrorHandler());
                context.addFilter(new org.eclipse.jetty.servlet.FilterHolder(
                        new BodyReadLimit(config.getInt(AppConfig.HTTP_MAX_CONCURRENT_BODIES))), "/*",
                        java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
            });
            metrics.timeRequests(cfg);
        });
        Problems.install(http);
        RequestGuards.install(http, config.allowedHosts(advertisedHost));
        final ApiKeys keys = config.apiKeys();
        keys.install(http);
        RequestGuards.installBodyCheck(http);
        if (!keys.enabled()) {
            LOG.warn("no API keys configured ({}): the HTTP API needs no authentication and listens on {} only",
                    AppConfig.API_KEYS, config.httpHost());
        }
        HealthRoutes.register(http, this::states);
        ApiDocsRoutes.register(http, console[0]);
        final Topics topics = new Topics(config.getString(ClusterConfig.TOPIC_PREFIX));
        final ClusterRoutes cluster = new ClusterRoutes(ClusterConfig.kafkaClientConfig(config),
                List.of(new ProcessorConfig(settings).getString(ProcessorConfig.APPLICATION_ID),
                        new ProjectionsConfig(settings).getString(ProjectionsConfig.APPLICATION_ID)), topics.rejected());
        started.push(cluster);
        cluster.register(http);
        metrics.register(http);

        // One copy of the session keys per process, shared by the roles that seal and open content (privacy.encryption).
        final boolean seals = config.runs(AppConfig.INGEST);
        final SessionKeys sessionKeys = seals || config.runs(AppConfig.PROJECTIONS) ? PrivacyConfig.masterKeys(settings).map(master -> {
            final SessionKeys opened = seals ? SessionKeys.forSealing(ClusterConfig.kafkaClientConfig(config), topics.keys(), master)
                    : SessionKeys.forReading(ClusterConfig.kafkaClientConfig(config), topics.keys(), master);
            started.push(opened);
            LOG.info("privacy.encryption on: content is sealed with a key per session on {} (master key {})", topics.keys(),
                    master.currentId());
            return opened;
        }).orElse(null) : null;
        SessionDeleter deleter = null;
        if (config.runs(AppConfig.INGEST)) {
            final IngestConfig ingest = new IngestConfig(settings);
            final IntentPublisher publisher = new IntentPublisher(ingest.producerConfig(), ingest.serdeConfig(), topics.raw(),
                    sessionKeys == null ? null : new Sealer(sessionKeys, ingest.sealTimeout()));
            started.push(publisher);
            publisher.bindMetrics(metrics.registry());
            final IngestRoutes ingestRoutes = new IngestRoutes(publisher, ingest);
            ingestRoutes.register(http);
            roleStates.put(AppConfig.INGEST, () -> "UP");
            deleter = ingestRoutes::deleteSession;
        }
        ProjectionsService projections = null;
        if (config.runs(AppConfig.PROJECTIONS)) {
            final ProjectionsConfig projectionsConfig = new ProjectionsConfig(settings);
            // application.server needs the bound port: bind HTTP first when the port is picked at start.
            final int port = config.getInt(AppConfig.HTTP_PORT) == 0 ? startHttp(config) : config.getInt(AppConfig.HTTP_PORT);
            final SessionUpdates updates = new SessionUpdates();
            projections = new ProjectionsService(projectionsConfig, advertisedHost + ":" + port, updates);
            if (sessionKeys != null) {
                projections.openWith(new Unsealer(sessionKeys));
            }
            started.push(projections);
            projections.bindMetrics(metrics.registry());
            final QueryRoutes queries = new QueryRoutes(new SessionQueries(projections,
                    projectionsConfig.statsRetention().get(StatsKey.Interval.HOUR)), projections, updates, scheme,
                    config.getInt(AppConfig.HTTP_MAX_SSE_STREAMS),
                    Duration.ofMillis(config.getLong(AppConfig.HTTP_SSE_HEARTBEAT_MS)));
            queries.register(http);
            new RebuildRoutes(projections).register(http);
            if (deleter != null) {
                queries.registerOwnerDeletes(http, deleter);
            }
            final ProjectionsService running = projections;
            roleStates.put(AppConfig.PROJECTIONS, running::stateName);
        }
        if (config.runs(AppConfig.PROCESSOR)) {
            if (serves && settings.putIfAbsent(ProcessorConfig.THREADS, "1") == null) {
                // Measured on 2 cores: a second stream thread's commits starved the HTTP roles (query p99 doubled).
                LOG.info("processor shares this process with ingest or projections: 1 stream thread ({} to change)",
                        ProcessorConfig.THREADS);
            }
            final ProcessorService processor = new ProcessorService(new ProcessorConfig(settings));
            started.push(processor);
            processor.bindMetrics(metrics.registry());
            processor.start();
            roleStates.put(AppConfig.PROCESSOR, () -> processor.state().name());
        }
        if (projections != null) {
            projections.start();
        }
        if (http.jettyServer().server().isStarted()) {
            return;
        }
        if (serves || !roleStates.isEmpty()) {
            startHttp(config);
        }
    }

    private int startHttp(final AppConfig config) {
        final Javalin server = http;
        started.push(server::stop);
        server.start(config.httpHost(), config.getInt(AppConfig.HTTP_PORT));
        return server.port();
    }

    private static String advertised(final String host) {
        return host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
    }

    private Map<String, String> states() {
        final Map<String, String> states = new LinkedHashMap<>();
        roleStates.forEach((role, state) -> states.put(role, state.get()));
        return states;
    }

    /** Whether {@code /health/ready} answers 200 now. */
    public boolean ready() {
        return HealthRoutes.isReady(states());
    }

    /** Every route this process serves, as {@code METHOD path} (the OpenAPI document is checked against it). */
    List<String> routes() {
        return ApiDocsRoutes.routes(http);
    }

    public String httpUrl() {
        return http == null ? "" : scheme + "://" + advertised("127.0.0.1") + ":" + http.port();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Optional<String> registryUrl() {
        return Optional.ofNullable(registryUrl);
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                LOG.warn("error while stopping: {}", e.toString());
            }
        }
        LOG.info("sessionlog stopped");
    }
}
