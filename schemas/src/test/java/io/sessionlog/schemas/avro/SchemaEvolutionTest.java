package io.sessionlog.schemas.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

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
}
