package io.sessionlog.processor;

import java.util.Map;

import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.serde.SpecificAvroDeserializer;
import io.sessionlog.schemas.serde.SpecificAvroSerializer;

/**
 * Stamped events and session views in their output wire format (Confluent framing, the output topics' subjects).
 * The stores keep exactly the bytes the sinks write, so each record is serialized once, not once per store and
 * again per sink: serialization was the stamper's largest cost.
 */
final class WireCodec {

    private final String eventsTopic;
    private final String sessionsTopic;
    private final SpecificAvroSerializer<StampedEvent> eventWriter = new SpecificAvroSerializer<>();
    private final SpecificAvroDeserializer<StampedEvent> eventReader = new SpecificAvroDeserializer<>(StampedEvent.class);
    private final SpecificAvroSerializer<SessionView> viewWriter = new SpecificAvroSerializer<>();
    private final SpecificAvroDeserializer<SessionView> viewReader = new SpecificAvroDeserializer<>(SessionView.class);

    WireCodec(final Topics topics, final Map<String, Object> serdeConfig) {
        this.eventsTopic = topics.events();
        this.sessionsTopic = topics.sessions();
        eventWriter.configure(serdeConfig, false);
        eventReader.configure(serdeConfig, false);
        viewWriter.configure(serdeConfig, false);
        viewReader.configure(serdeConfig, false);
    }

    byte[] event(final StampedEvent event) {
        return eventWriter.serialize(eventsTopic, event);
    }

    StampedEvent event(final byte[] bytes) {
        return bytes == null ? null : eventReader.deserialize(eventsTopic, bytes);
    }

    byte[] view(final SessionView view) {
        return viewWriter.serialize(sessionsTopic, view);
    }

    SessionView view(final byte[] bytes) {
        return bytes == null ? null : viewReader.deserialize(sessionsTopic, bytes);
    }
}
