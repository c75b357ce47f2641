package io.sessionlog.processor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventAppended;
import io.sessionlog.schemas.avro.EventKind;
import io.sessionlog.schemas.avro.EventsDeleted;
import io.sessionlog.schemas.avro.Origin;
import io.sessionlog.schemas.avro.SessionPatched;
import io.sessionlog.schemas.avro.WriteIntent;

/** Write intents as ingest produces them, for the processor's tests. */
final class Intents {

    static final Instant T0 = Instant.parse("2025-01-29T09:27:41Z");

    private Intents() {
    }

    static WriteIntent event(final String session, final String id) {
        return event(session, id, "RID(" + session + ")::turn", false);
    }

    static WriteIntent event(final String session, final String id, final String correlationId, final boolean deleted) {
        final CanonicalEvent event = CanonicalEvent.newBuilder()
                .setEventId(id).setOrigin(Origin.FLUX0).setKind(EventKind.MESSAGE).setType("message").setSource("user")
                .setCorrelationId(correlationId).setOccurredAt(T0).setDeleted(deleted)
                .setDataJson("{\"type\":\"message\",\"parts\":[]}").setSessionId(session).setSchemaRef("flux0.EventDTO")
                .setRaw(ByteBuffer.wrap(("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8)))
                .build();
        return WriteIntent.newBuilder().setSessionKey(session).setIngestedAt(T0)
                .setIntent(EventAppended.newBuilder().setEvent(event).build()).build();
    }

    static WriteIntent upsert(final String session, final String agentId, final Instant createdAt) {
        return WriteIntent.newBuilder().setSessionKey(session).setIngestedAt(T0)
                .setIntent(io.sessionlog.schemas.avro.SessionUpserted.newBuilder().setId(session).setAgentId(agentId)
                        .setTitle("A title").setCreatedAt(createdAt).setRaw(ByteBuffer.wrap(new byte[0])).build()).build();
    }

    static WriteIntent status(final String session, final String id, final String status, final Instant at) {
        final WriteIntent intent = event(session, id);
        final CanonicalEvent event = ((EventAppended) intent.getIntent()).getEvent();
        event.setKind(EventKind.STATUS);
        event.setType("status");
        event.setOccurredAt(at);
        event.setDataJson("{\"type\":\"status\",\"status\":\"" + status + "\"}");
        return intent;
    }

    static WriteIntent deleteFrom(final String session, final long minOffset) {
        return WriteIntent.newBuilder().setSessionKey(session).setIngestedAt(T0)
                .setIntent(EventsDeleted.newBuilder().setMinOffset(minOffset).build()).build();
    }

    static WriteIntent deleteEvent(final String session, final String eventId) {
        return WriteIntent.newBuilder().setSessionKey(session).setIngestedAt(T0)
                .setIntent(EventsDeleted.newBuilder().setEventId(eventId).build()).build();
    }

    /** A hard delete of the session, as ingest writes it (min_offset 0 for processors that do not know the flag). */
    static WriteIntent deleteSession(final String session) {
        return WriteIntent.newBuilder().setSessionKey(session).setIngestedAt(T0)
                .setIntent(EventsDeleted.newBuilder().setMinOffset(0L).setSession(true).build()).build();
    }

    /** A patch of the title alone: a new title, or {@code null} to remove it. */
    static WriteIntent retitled(final String session, final String title) {
        return WriteIntent.newBuilder().setSessionKey(session).setIngestedAt(T0)
                .setIntent(SessionPatched.newBuilder().setTitle(title).setClearTitle(title == null).build()).build();
    }

    static WriteIntent consumed(final String session, final String consumer, final long offset) {
        return WriteIntent.newBuilder().setSessionKey(session).setIngestedAt(T0)
                .setIntent(SessionPatched.newBuilder().setConsumptionOffsets(Map.of(consumer, offset)).build()).build();
    }
}
