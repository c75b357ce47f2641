package io.sessionlog.privacy;

import io.sessionlog.schemas.avro.StampedEvent;

/**
 * The value deserializer of {@code sessionlog.events} for a consumer in Java: {@code value.deserializer=}
 * {@code io.sessionlog.privacy.StampedEventDeserializer}. Opens sealed content (see {@link UnsealingDeserializer}).
 */
public final class StampedEventDeserializer extends UnsealingDeserializer<StampedEvent> {

    public StampedEventDeserializer() {
        super(StampedEvent.class, Unsealer::open);
    }
}
