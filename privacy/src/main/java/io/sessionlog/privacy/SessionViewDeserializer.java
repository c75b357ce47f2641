package io.sessionlog.privacy;

import io.sessionlog.schemas.avro.SessionView;

/**
 * The value deserializer of {@code sessionlog.sessions} for a consumer in Java: {@code value.deserializer=}
 * {@code io.sessionlog.privacy.SessionViewDeserializer}. Opens a sealed title (see {@link UnsealingDeserializer}).
 */
public final class SessionViewDeserializer extends UnsealingDeserializer<SessionView> {

    public SessionViewDeserializer() {
        super(SessionView.class, Unsealer::open);
    }
}
