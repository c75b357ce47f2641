package io.sessionlog.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventAppended;
import io.sessionlog.schemas.avro.SessionPatched;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.WriteIntent;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An intent whose stamped event or session view would be larger than the output topics take goes to rejected with
 * the reason before anything of it is written: refused by the broker, it would abort the transaction every time.
 */
class OutputLimitTest {

    private static final String SCOPE = "output-limit-test";
    private static final int LIMIT = 2048;

    @TempDir
    Path stateDir;

    private ProcessorTestDriver test;

    @BeforeEach
    void start() {
        test = new ProcessorTestDriver(SCOPE, stateDir, Map.of(ProcessorConfig.MAX_OUTPUT_BYTES, LIMIT));
    }

    @AfterEach
    void stop() {
        test.close();
    }

    @Test
    void anEventTooLargeToWriteIsRejectedAndTakesNoOffset() {
        test.raw.pipeInput("s", Intents.event("s", "a"));
        final WriteIntent large = Intents.event("s", "large");
        final CanonicalEvent event = ((EventAppended) large.getIntent()).getEvent();
        event.setDataJson("{\"type\":\"message\",\"parts\":[],\"text\":\"" + "x".repeat(LIMIT) + "\"}");
        test.raw.pipeInput("s", large);
        test.raw.pipeInput("s", Intents.event("s", "b"));

        final String reason = reason(test.rejected.readRecord());
        assertTrue(reason.startsWith("its stamped event would be ") && reason.endsWith(" bytes, over processor.max.output.bytes (2048)"),
                reason);
        assertEquals(List.of("a@0", "b@1"), test.events.readValuesToList().stream()
                .map(e -> e.getEvent().getEventId() + "@" + e.getOffset()).toList());
        assertEquals(2, lastView().getEventCount());
    }

    @Test
    void aPatchThatWouldGrowTheViewPastTheLimitIsRejectedAndLeavesTheView() {
        test.raw.pipeInput("s", Intents.event("s", "a"));
        final Map<String, Long> consumers = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            consumers.put("consumer-" + i, 0L);
        }
        test.raw.pipeInput("s", WriteIntent.newBuilder().setSessionKey("s").setIngestedAt(Intents.T0)
                .setIntent(SessionPatched.newBuilder().setConsumptionOffsets(consumers).build()).build());
        test.raw.pipeInput("s", Intents.event("s", "b"));

        assertTrue(reason(test.rejected.readRecord()).startsWith("its session view would be "));
        final SessionView view = lastView();
        assertEquals(Map.of("client", 0L), view.getConsumptionOffsets(), "the refused patch changed nothing");
        assertEquals(1, view.getLastOffset());
    }

    private SessionView lastView() {
        final List<SessionView> views = test.sessions.readValuesToList();
        return views.get(views.size() - 1);
    }

    private static String reason(final TestRecord<String, byte[]> record) {
        return new String(record.headers().lastHeader(RejectedRecords.REASON).value(), StandardCharsets.UTF_8);
    }
}
