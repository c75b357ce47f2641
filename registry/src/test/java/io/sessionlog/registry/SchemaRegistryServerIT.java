package io.sessionlog.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionlog.testsupport.SharedKafkaCluster;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.registry.RestSchemaRegistryClient;
import io.sessionlog.schemas.registry.SchemaVersion;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedKafkaCluster.class)
class SchemaRegistryServerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V1 = "{\"type\":\"record\",\"name\":\"Turn\",\"fields\":[{\"name\":\"text\",\"type\":\"string\"}]}";
    private static final String V2 = "{\"type\":\"record\",\"name\":\"Turn\",\"fields\":[{\"name\":\"text\",\"type\":\"string\"},"
            + "{\"name\":\"lang\",\"type\":\"string\",\"default\":\"en\"}]}";
    /** Adds a required field without a default: a BACKWARD-incompatible change. */
    private static final String V3_BREAKING = "{\"type\":\"record\",\"name\":\"Turn\",\"fields\":[{\"name\":\"text\",\"type\":\"string\"},"
            + "{\"name\":\"lang\",\"type\":\"string\",\"default\":\"en\"},{\"name\":\"score\",\"type\":\"int\"}]}";

    private final HttpClient http = HttpClient.newHttpClient();
    private String topic;
    private SchemaRegistryServer server;

    @BeforeEach
    void start() {
        topic = "_schemas-" + System.nanoTime();
        server = startServer(topic);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void registersLooksUpAndListsVersions() throws Exception {
        final JsonNode first = call("POST", "/subjects/turns-value/versions", schemaBody(V1), 200);
        final int id1 = first.get("id").asInt();
        assertEquals(id1, call("POST", "/subjects/turns-value/versions", schemaBody(V1), 200).get("id").asInt(),
                "registering the same schema again answers the same id");
        final int id2 = call("POST", "/subjects/turns-value/versions", schemaBody(V2), 200).get("id").asInt();
        assertNotEquals(id1, id2);

        assertEquals("[1,2]", call("GET", "/subjects/turns-value/versions", null, 200).toString());
        assertEquals("[\"turns-value\"]", call("GET", "/subjects", null, 200).toString());
        final JsonNode latest = call("GET", "/subjects/turns-value/versions/latest", null, 200);
        assertEquals(2, latest.get("version").asInt());
        assertEquals(id2, latest.get("id").asInt());
        assertEquals(new Schema.Parser().parse(V2), new Schema.Parser().parse(latest.get("schema").asText()));
        assertEquals(1, call("GET", "/subjects/turns-value/versions/1", null, 200).get("version").asInt());

        final JsonNode lookup = call("POST", "/subjects/turns-value", schemaBody(V1), 200);
        assertEquals(1, lookup.get("version").asInt());
        assertEquals(id1, lookup.get("id").asInt());
        assertEquals(new Schema.Parser().parse(V1),
                new Schema.Parser().parse(call("GET", "/schemas/ids/" + id1, null, 200).get("schema").asText()));
        assertEquals(new Schema.Parser().parse(V1),
                new Schema.Parser().parse(call("GET", "/schemas/ids/" + id1 + "/schema", null, 200).toString()));

        assertEquals(id1, call("POST", "/subjects/other-value/versions", schemaBody(V1), 200).get("id").asInt(),
                "an identical schema keeps its id under another subject");
    }

    @Test
    void refusesAnIncompatibleSchemaWith409AndChecksCompatibility() throws Exception {
        call("POST", "/subjects/turns-value/versions", schemaBody(V1), 200);
        call("POST", "/subjects/turns-value/versions", schemaBody(V2), 200);

        final JsonNode refused = call("POST", "/subjects/turns-value/versions", schemaBody(V3_BREAKING), 409);
        assertEquals(409, refused.get("error_code").asInt());
        assertTrue(refused.get("message").asText().contains("incompatible"), refused.toString());

        assertFalse(call("POST", "/compatibility/subjects/turns-value/versions/latest", schemaBody(V3_BREAKING), 200)
                .get("is_compatible").asBoolean());
        assertTrue(call("POST", "/compatibility/subjects/turns-value/versions/1", schemaBody(V2), 200)
                .get("is_compatible").asBoolean());
        assertEquals("[1,2]", call("GET", "/subjects/turns-value/versions", null, 200).toString(), "nothing was added");

        assertEquals("BACKWARD", call("GET", "/config", null, 200).get("compatibilityLevel").asText());
        assertEquals(40408, call("GET", "/config/turns-value", null, 404).get("error_code").asInt());
        assertEquals("NONE", call("PUT", "/config/turns-value", "{\"compatibility\":\"NONE\"}", 200).get("compatibility").asText());
        assertEquals("NONE", call("GET", "/config/turns-value", null, 200).get("compatibilityLevel").asText());
        call("POST", "/subjects/turns-value/versions", schemaBody(V3_BREAKING), 200);
        assertEquals(42203, call("PUT", "/config", "{\"compatibility\":\"SOMETIMES\"}", 422).get("error_code").asInt());
    }

    @Test
    void answersConfluentErrorCodes() throws Exception {
        assertEquals(40401, call("GET", "/subjects/nope-value/versions", null, 404).get("error_code").asInt());
        assertEquals(40401, call("POST", "/subjects/nope-value", schemaBody(V1), 404).get("error_code").asInt());
        assertEquals(40403, call("GET", "/schemas/ids/999999", null, 404).get("error_code").asInt());
        call("POST", "/subjects/turns-value/versions", schemaBody(V1), 200);
        assertEquals(40403, call("POST", "/subjects/turns-value", schemaBody(V2), 404).get("error_code").asInt());
        assertEquals(40402, call("GET", "/subjects/turns-value/versions/7", null, 404).get("error_code").asInt());
        assertEquals(42202, call("GET", "/subjects/turns-value/versions/first", null, 422).get("error_code").asInt());
        assertEquals(42201, call("POST", "/subjects/turns-value/versions", schemaBody("{\"type\":\"recrd\"}"), 422)
                .get("error_code").asInt());
    }

    @Test
    void schemasSurviveARestartAndTwoInstancesAgree() throws Exception {
        final int id = call("POST", "/subjects/turns-value/versions", schemaBody(V1), 200).get("id").asInt();
        server.close();
        server = startServer(topic);
        assertEquals(id, call("GET", "/subjects/turns-value/versions/1", null, 200).get("id").asInt());

        try (SchemaRegistryServer second = startServer(topic)) {
            final RestSchemaRegistryClient viaSecond = new RestSchemaRegistryClient(second.url(), "USER_INFO", "");
            final int id2 = viaSecond.register("turns-value", new Schema.Parser().parse(V2));
            final RestSchemaRegistryClient viaFirst = new RestSchemaRegistryClient(server.url(), "USER_INFO", "");
            final int idOfSessionView = viaFirst.register("sessions-value", SessionView.getClassSchema());
            assertNotEquals(id2, idOfSessionView, "ids assigned through two instances never collide");
            // Each read goes to the instance that did not write: a miss there reads the log to its end first.
            final SchemaVersion seenByFirst = viaFirst.latest("turns-value");
            assertEquals(2, seenByFirst.version());
            assertEquals(id2, seenByFirst.id());
            assertEquals(SessionView.getClassSchema(), viaSecond.schemaById(idOfSessionView));
        }
    }

    private static SchemaRegistryServer startServer(final String topic) {
        return SchemaRegistryServer.start(new RegistryConfig(Map.of(
                "kafka.bootstrap.servers", SharedKafkaCluster.bootstrapServers(),
                RegistryConfig.PORT, "0",
                RegistryConfig.TOPIC, topic)));
    }

    private static String schemaBody(final String schema) {
        return JSON.createObjectNode().put("schema", schema).toString();
    }

    private JsonNode call(final String method, final String path, final String body, final int expectedStatus) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        final HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expectedStatus, response.statusCode(), method + " " + path + " answered " + response.body());
        assertEquals("application/vnd.schemaregistry.v1+json", response.headers().firstValue("Content-Type").orElse(""));
        return JSON.readTree(response.body());
    }
}
