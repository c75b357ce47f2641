package io.sessionlog.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.sessionlog.registry.RegistryState.Registered;
import io.sessionlog.schemas.ClusterConfig;
import io.sessionlog.schemas.registry.RestSchemaRegistryClient;
import io.sessionlog.schemas.registry.SchemaRegistryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST API as its clients use it (serdes, kcat, Confluent's CLI): subjects and
 * versions, ids, lookup, compatibility checks and configuration, with Confluent's error codes. Avro only.
 */
public final class SchemaRegistryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaLog log;
    private final SchemaRegistryService service;
    private final Javalin http;

    private SchemaRegistryServer(final SchemaLog log, final SchemaRegistryService service, final Javalin http) {
        this.log = log;
        this.service = service;
        this.http = http;
    }

    public static SchemaRegistryServer start(final RegistryConfig config) {
        final RegistryState state = new RegistryState(config.compatibility());
        final SchemaLog log = new SchemaLog(ClusterConfig.kafkaClientConfig(config), config.getString(RegistryConfig.TOPIC),
                config.getShort(ClusterConfig.TOPIC_REPLICATION_FACTOR), state);
        log.start(Duration.ofSeconds(60));
        final SchemaRegistryService service = new SchemaRegistryService(state, log);
        final Javalin http = Javalin.create(cfg -> cfg.showJavalinBanner = false);
        final SchemaRegistryServer server = new SchemaRegistryServer(log, service, http);
        server.routes();
        http.start(config.getString(RegistryConfig.HOST), config.getInt(RegistryConfig.PORT));
        LOG.info("schema registry listening on {}", server.url());
        return server;
    }

    public int port() {
        return http.port();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    private void routes() {
        http.get("/", ctx -> json(ctx, JSON.createObjectNode()));
        http.get("/schemas/ids/{id}", ctx -> json(ctx, JSON.createObjectNode()
                .put("schema", service.schemaById(id(ctx)).toString())));
        http.get("/schemas/ids/{id}/schema", ctx -> rawJson(ctx, service.schemaById(id(ctx)).toString()));
        http.get("/subjects", ctx -> json(ctx, JSON.valueToTree(service.subjects())));
        http.get("/subjects/{subject}/versions", ctx -> json(ctx, JSON.valueToTree(
                service.versions(ctx.pathParam("subject")).stream().map(Registered::version).toList())));
        http.post("/subjects/{subject}/versions", ctx -> json(ctx, JSON.createObjectNode()
                .put("id", service.register(ctx.pathParam("subject"), schemaOf(ctx)))));
        http.get("/subjects/{subject}/versions/{version}", ctx -> json(ctx,
                describe(service.version(ctx.pathParam("subject"), ctx.pathParam("version")))));
        http.get("/subjects/{subject}/versions/{version}/schema", ctx -> rawJson(ctx,
                service.version(ctx.pathParam("subject"), ctx.pathParam("version")).schema().toString()));
        http.post("/subjects/{subject}", ctx -> json(ctx, describe(service.lookup(ctx.pathParam("subject"), schemaOf(ctx)))));
        http.post("/compatibility/subjects/{subject}/versions/{version}", this::checkCompatibility);
        http.get("/config", ctx -> json(ctx, level(service.globalLevel())));
        http.put("/config", ctx -> json(ctx, JSON.createObjectNode()
                .put("compatibility", service.setLevel(null, field(ctx, "compatibility")).name())));
        http.get("/config/{subject}", this::subjectConfig);
        http.put("/config/{subject}", ctx -> json(ctx, JSON.createObjectNode()
                .put("compatibility", service.setLevel(ctx.pathParam("subject"), field(ctx, "compatibility")).name())));
        http.exception(RegistryError.class, (e, ctx) -> error(ctx, e.status(), e.errorCode(), e.getMessage()));
        http.exception(Exception.class, (e, ctx) -> {
            LOG.error("schema registry request {} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, SchemaRegistryException.STORE_ERROR, "Internal error: " + e.getMessage());
        });
    }

    private void checkCompatibility(final Context ctx) {
        final List<String> problems = service.compatibility(ctx.pathParam("subject"), ctx.pathParam("version"), schemaOf(ctx));
        final ObjectNode body = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
        if ("true".equals(ctx.queryParam("verbose"))) {
            body.set("messages", JSON.valueToTree(problems));
        }
        json(ctx, body);
    }

    private void subjectConfig(final Context ctx) {
        final String subject = ctx.pathParam("subject");
        final var level = service.subjectLevel(subject)
                .or(() -> "true".equals(ctx.queryParam("defaultToGlobal"))
                        ? java.util.Optional.of(service.globalLevel()) : java.util.Optional.empty());
        if (level.isEmpty()) {
            throw new RegistryError(404, SchemaRegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                    "Subject '" + subject + "' does not have subject-level compatibility configured");
        }
        json(ctx, level(level.get()));
    }

    private static ObjectNode describe(final Registered registered) {
        return JSON.createObjectNode().put("subject", registered.subject()).put("version", registered.version())
                .put("id", registered.id()).put("schema", registered.schema().toString());
    }

    private static ObjectNode level(final CompatibilityLevel level) {
        return JSON.createObjectNode().put("compatibilityLevel", level.name());
    }

    private static int id(final Context ctx) {
        try {
            return Integer.parseInt(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new RegistryError(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + ctx.pathParam("id") + " not found");
        }
    }

    /** The {@code schema} of a request body; only Avro is served. */
    private static String schemaOf(final Context ctx) {
        final JsonNode body = body(ctx);
        final String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new RegistryError(422, SchemaRegistryException.INVALID_SCHEMA, "Unsupported schema type " + type
                    + ": this registry serves AVRO only");
        }
        return body.path("schema").asText(null);
    }

    private static String field(final Context ctx, final String name) {
        return body(ctx).path(name).asText(null);
    }

    private static JsonNode body(final Context ctx) {
        try {
            return JSON.readTree(ctx.body());
        } catch (Exception e) {
            throw new RegistryError(422, SchemaRegistryException.INVALID_SCHEMA, "Request body is not JSON: " + e.getMessage());
        }
    }

    private static void json(final Context ctx, final JsonNode body) {
        rawJson(ctx, body.toString());
    }

    private static void rawJson(final Context ctx, final String body) {
        ctx.contentType(RestSchemaRegistryClient.CONTENT_TYPE).result(body);
    }

    private static void error(final Context ctx, final int status, final int code, final String message) {
        ctx.status(status);
        json(ctx, JSON.valueToTree(Map.of("error_code", code, "message", message)));
    }

    @Override
    public void close() {
        http.stop();
        log.close();
    }
}
