package io.sessionlog.schemas.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;

/**
 * A client of the Confluent Schema Registry REST API, as Confluent's own serdes use it: it works unchanged against a
 * Confluent Schema Registry and against sessionlog's embedded registry. Several URLs are tried in turn when one
 * cannot be reached. Wrap it in a {@link CachingSchemaRegistryClient}: it does not cache.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> baseUrls;
    private final Optional<String> authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param urls     comma-separated base URLs
     * @param userInfo {@code user:password} for basic auth, or empty; with credentials source URL it is read from
     *                 the URL's user-info part instead
     */
    public RestSchemaRegistryClient(final String urls, final String credentialsSource, final String userInfo) {
        this.baseUrls = java.util.Arrays.stream(urls.split(","))
                .map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s))
                .toList();
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("schema.registry.url is empty");
        }
        final String credentials = "URL".equals(credentialsSource) ? baseUrls.get(0).getUserInfo() : userInfo;
        this.authorization = Optional.ofNullable(credentials).filter(s -> !s.isEmpty())
                .map(c -> "Basic " + Base64.getEncoder().encodeToString(c.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public int register(final String subject, final Schema schema) {
        return send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema)).get("id").asInt();
    }

    @Override
    public Schema schemaById(final int id) {
        return new Schema.Parser().parse(send("GET", "/schemas/ids/" + id, null).get("schema").asText());
    }

    @Override
    public SchemaVersion lookup(final String subject, final Schema schema) {
        return version(send("POST", "/subjects/" + encode(subject), schemaBody(schema)));
    }

    @Override
    public SchemaVersion latest(final String subject) {
        return version(send("GET", "/subjects/" + encode(subject) + "/versions/latest", null));
    }

    private static SchemaVersion version(final JsonNode node) {
        return new SchemaVersion(node.get("subject").asText(), node.get("version").asInt(), node.get("id").asInt(),
                new Schema.Parser().parse(node.get("schema").asText()));
    }

    private static String schemaBody(final Schema schema) {
        final ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private JsonNode send(final String method, final String path, final String body) {
        IOException lastFailure = null;
        for (final URI base : baseUrls) {
            final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString().replaceFirst("//[^/@]*@", "//") + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Accept", CONTENT_TYPE)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE);
            }
            authorization.ifPresent(a -> request.header("Authorization", a));
            try {
                final HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                return parse(response);
            } catch (IOException e) {
                lastFailure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("interrupted while calling the schema registry", e);
            }
        }
        throw new SchemaRegistryException("schema registry unreachable at " + baseUrls + ": " + lastFailure, lastFailure);
    }

    private static JsonNode parse(final HttpResponse<String> response) throws IOException {
        final JsonNode node = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        if (response.statusCode() / 100 == 2) {
            return node;
        }
        final int code = node.path("error_code").asInt(response.statusCode());
        final String message = node.path("message").asText("HTTP " + response.statusCode());
        throw new SchemaRegistryException(response.statusCode(), code, message);
    }

    private static String encode(final String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
