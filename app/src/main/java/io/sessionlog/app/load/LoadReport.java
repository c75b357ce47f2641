package io.sessionlog.app.load;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What a load did: lines written and refused, each refused line written to the report file with its reason. */
final class LoadReport implements Closeable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path refusedFile;
    private BufferedWriter refused;
    long written;
    long refusedLines;
    long blank;
    long lastLineDone;

    LoadReport(final Path refusedFile) {
        this.refusedFile = refusedFile;
    }

    /** One refused line: {@code {"line": 12, "field": "source", "reason": "...", "record": "<the line>"}}. */
    void refuse(final long line, final String field, final String reason, final String record) {
        try {
            if (refused == null) {
                refused = Files.newBufferedWriter(refusedFile, StandardCharsets.UTF_8);
            }
            final ObjectNode entry = JSON.createObjectNode().put("line", line).put("field", field).put("reason", reason)
                    .put("record", record);
            refused.write(entry.toString());
            refused.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the refused-lines report " + refusedFile, e);
        }
    }

    Path refusedFile() {
        return refusedFile;
    }

    @Override
    public void close() throws IOException {
        if (refused != null) {
            refused.close();
        }
    }
}
