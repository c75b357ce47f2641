package io.sessionlog.schemas.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Schemas that changed after a release stay readable both ways, so that a registry at {@code BACKWARD} (ours and
 * Confluent's default) accepts the new version, and a rolling upgrade can run old and new instances side by side.
 */
class SchemaEvolutionTest {

    /** {@code SessionPatched} before {@code clear_title}. */
    private static final String SESSION_PATCHED_V1 = """
            {"type": "record", "name": "SessionPatched", "namespace": "io.sessionlog.schemas.avro", "fields": [
              {"name": "consumption_offsets", "type": {"type": "map", "values": "long"}, "default": {}},
              {"name": "title", "type": ["null", "string"], "default": null}]}""";

    @Test
    void aPatchWithClearTitleAndOneWithoutReadEachOther() {
        final Schema before = new Schema.Parser().parse(SESSION_PATCHED_V1);
        final Schema now = SessionPatched.getClassSchema();
        assertEquals(SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(now, before).getType(), "new readers read old patches");
        assertEquals(SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(before, now).getType(), "old readers read new patches");
    }

    /**
     * The value schemas registered under the topics' subjects, as first released ({@code src/test/resources/registered}):
     * every later version must read what they wrote (BACKWARD, the registry's check) and be read by them (so that old
     * consumers keep reading the topics during and after an upgrade). Never edit a snapshot to make this pass.
     */
    static Stream<Schema> currentValueSchemas() {
        return Stream.of(WriteIntent.getClassSchema(), StampedEvent.getClassSchema(), SessionView.getClassSchema(),
                Correlation.getClassSchema());
    }

    @ParameterizedTest
    @MethodSource("currentValueSchemas")
    void everyValueSchemaReadsAndIsReadByItsRegisteredVersion(final Schema now) throws IOException {
        final Schema registered = registered(now.getName());
        assertEquals(SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(now, registered).getType(),
                () -> "BACKWARD: " + now.getName() + " cannot read records written with its registered version: "
                        + problems(now, registered));
        assertEquals(SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(registered, now).getType(),
                () -> "FORWARD: consumers on the registered " + now.getName() + " cannot read the new records: "
                        + problems(registered, now));
    }

    private static String problems(final Schema reader, final Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult().getIncompatibilities().stream()
                .map(problem -> problem.getType() + " at " + problem.getLocation() + ": " + problem.getMessage())
                .toList().toString();
    }

    private static Schema registered(final String name) throws IOException {
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/registered/" + name + ".avsc")) {
            if (in == null) {
                throw new IllegalStateException("no registered snapshot of " + name + " under src/test/resources/registered");
            }
            return new Schema.Parser().parse(in);
        }
    }
}
