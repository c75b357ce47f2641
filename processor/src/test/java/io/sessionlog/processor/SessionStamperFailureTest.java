package io.sessionlog.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.Correlation;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.registry.MockSchemaRegistry;
import io.sessionlog.schemas.serde.SpecificAvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A record that fails half-way through the stamper (here: the events store refuses a write) throws. The processor's
 * handler then fails the task, which restores its stores (StoreFaultIT tests that on a broker); the stamper on its own must
 * not run ahead of its stores either: the session continues from what they hold, not from the cached view the failed
 * record had already advanced, or its offsets would have a gap.
 */
class SessionStamperFailureTest {

    private static final String SCOPE = "stamper-failure-test";
    private static final Topics TOPICS = new Topics("t.");
    private static final Map<String, Object> SERDE = Map.of("schema.registry.url", "mock://" + SCOPE);

    private final AtomicBoolean failNextEventWrite = new AtomicBoolean();
    private MockProcessorContext<String, Object> context;
    private SessionStamper stamper;

    @BeforeEach
    void start() {
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(Intents.T0.toEpochMilli());
        StamperStores.addTo(context, SERDE, this::failing);
        stamper = new SessionStamper(new WireCodec(TOPICS, SERDE), 4096, 1_000_000, new DeletePace(500, Duration.ofMillis(100)));
        stamper.init(context);
    }

    @AfterEach
    void stop() {
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void aRecordThatFailsHalfWayLeavesNoGapInItsSession() {
        stamper.process(record(Intents.event("s1", "e1")));
        failNextEventWrite.set(true);
        assertThrows(IllegalStateException.class, () -> stamper.process(record(Intents.event("s1", "e2"))));
        stamper.process(record(Intents.event("s1", "e3")));
        stamper.process(record(Intents.event("s1", "e2")));

        assertEquals(List.of("e1@0", "e3@1", "e2@2"), stamped());
        final SessionView view = lastView();
        assertEquals(2, view.getLastOffset());
        assertEquals(3, view.getEventCount());
    }

    private static Record<String, WriteIntent> record(final WriteIntent intent) {
        return new Record<>(intent.getSessionKey(), intent, 0L);
    }

    private List<String> stamped() {
        final var reader = SpecificAvroSerde.forValues(StampedEvent.class, SERDE).deserializer();
        return context.forwarded().stream()
                .filter(forward -> ProcessorNames.EVENTS_SINK.equals(forward.childName().orElse(null)))
                .map(forward -> reader.deserialize(TOPICS.events(), (byte[]) forward.record().value()))
                .map(event -> event.getEvent().getEventId() + "@" + event.getOffset())
                .toList();
    }

    private SessionView lastView() {
        final var reader = SpecificAvroSerde.forValues(SessionView.class, SERDE).deserializer();
        final var views = context.forwarded().stream()
                .filter(forward -> ProcessorNames.SESSIONS_SINK.equals(forward.childName().orElse(null)))
                .toList();
        return reader.deserialize(TOPICS.sessions(), (byte[]) views.get(views.size() - 1).record().value());
    }

    /** The store, refusing its next write once {@link #failNextEventWrite} is set, as a full disk would. */
    @SuppressWarnings("unchecked")
    private KeyValueStore<Bytes, byte[]> failing(final KeyValueStore<Bytes, byte[]> store) {
        return (KeyValueStore<Bytes, byte[]>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> {
                    if ("put".equals(method.getName()) && failNextEventWrite.getAndSet(false)) {
                        throw new IllegalStateException("the events store refused a write");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
