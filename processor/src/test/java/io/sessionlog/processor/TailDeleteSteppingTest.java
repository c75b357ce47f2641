package io.sessionlog.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.registry.MockSchemaRegistry;
import io.sessionlog.schemas.serde.SpecificAvroSerde;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The steps of a long tail delete are scheduled while a walk is pending, and only then: a punctuation leaves the
 * task's record context without a source record, which a production error reported meanwhile would be charged to. A
 * task that starts again over a pending walk (after a failure or a move) schedules its steps by itself.
 */
class TailDeleteSteppingTest {

    private static final String SCOPE = "tail-delete-stepping-test";
    private static final Map<String, Object> SERDE = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final DeletePace PACE = new DeletePace(10, Duration.ofMillis(100));

    private MockProcessorContext<String, Object> context;

    @BeforeEach
    void start() {
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(Intents.T0.toEpochMilli());
        StamperStores.addTo(context, SERDE, store -> store);
    }

    @AfterEach
    void stop() {
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void stepsAreScheduledWhileAWalkIsPendingAndByATaskThatStartsOverOne() {
        final SessionStamper first = stamper();
        for (int i = 0; i < 35; i++) {
            first.process(record(Intents.event("long", "e" + i)));
        }
        for (int i = 0; i < 3; i++) {
            first.process(record(Intents.event("short", "s" + i)));
        }
        first.process(record(Intents.deleteFrom("short", 0)));
        assertEquals(0, context.scheduledPunctuators().size(), "a session of one step is deleted at once: nothing scheduled");

        first.process(record(Intents.deleteFrom("long", 0)));
        assertEquals(1, context.scheduledPunctuators().size(), "a walk of 35 events in steps of 10");
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(Intents.T0.toEpochMilli());
        final int afterOneStep = deletedReEmitted();
        assertEquals(10, afterOneStep, "one step");

        // The task stops with the walk pending and starts again over the same stores.
        final SessionStamper restarted = stamper();
        assertEquals(2, context.scheduledPunctuators().size(), "the restarted task schedules the walk's steps itself");
        final var steps = context.scheduledPunctuators().get(1);
        for (int i = 0; i < 10 && !steps.cancelled(); i++) {
            steps.getPunctuator().punctuate(Intents.T0.toEpochMilli());
        }
        assertEquals(35, deletedReEmitted(), "every event of the session re-emitted deleted, each once");
        assertTrue(steps.cancelled(), "no punctuation once the walk is done");
        restarted.close();
    }

    private SessionStamper stamper() {
        final SessionStamper stamper = new SessionStamper(new WireCodec(new Topics("t."), SERDE), 4096, 1_000_000, PACE);
        stamper.init(context);
        return stamper;
    }

    /** The events of the long session re-emitted deleted so far. */
    private int deletedReEmitted() {
        final var reader = SpecificAvroSerde.forValues(StampedEvent.class, SERDE).deserializer();
        final List<StampedEvent> deleted = context.forwarded().stream()
                .filter(forward -> ProcessorNames.EVENTS_SINK.equals(forward.childName().orElse(null)))
                .map(forward -> reader.deserialize("t.events", (byte[]) forward.record().value()))
                .filter(event -> event.getEvent().getDeleted() && "long".equals(event.getSessionKey()))
                .toList();
        assertEquals(deleted.size(), deleted.stream().map(StampedEvent::getOffset).distinct().count(), "re-emitted twice");
        return deleted.size();
    }

    private static Record<String, WriteIntent> record(final WriteIntent intent) {
        return new Record<>(intent.getSessionKey(), intent, 0L);
    }
}
