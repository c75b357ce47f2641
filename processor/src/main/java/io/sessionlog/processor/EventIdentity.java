package io.sessionlog.processor;

import java.nio.ByteBuffer;

import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.StampedEvent;

/**
 * An event without its content: what the processor keeps of each event, and what a deleted record on {@code events}
 * carries. Deduplication needs the id, deletes the offset and the deleted flag, the correlation chains the links; none
 * of them needs what was written or said, which the event's first record on {@code events} carried and the read
 * models keep (decision 0015). Kept: ids, origin, kind, type, source, correlation, times, owners and the other
 * identifying fields; left out: the producer's document ({@code raw}, empty) and every field of content (flux0 data
 * and metadata, Syllable description and attributes, Inkeep properties, user properties and search query).
 */
final class EventIdentity {

    private static final ByteBuffer NO_DOCUMENT = ByteBuffer.wrap(new byte[0]);

    private EventIdentity() {
    }

    /** A copy of {@code stamped} without its content (the same record if it has none). */
    static StampedEvent of(final StampedEvent stamped) {
        final CanonicalEvent event = stamped.getEvent();
        if (!hasContent(event)) {
            return stamped;
        }
        final CanonicalEvent identity = CanonicalEvent.newBuilder(event).setDataJson(null).setMetadataJson(null)
                .setDescription(null).setAttributesJson(null).setPropertiesJson(null).setUserPropertiesJson(null)
                .setSearchQuery(null).setRaw(NO_DOCUMENT.duplicate()).build();
        return StampedEvent.newBuilder(stamped).setEvent(identity).build();
    }

    private static boolean hasContent(final CanonicalEvent event) {
        return event.getRaw().remaining() > 0 || event.getDataJson() != null || event.getMetadataJson() != null
                || event.getDescription() != null || event.getAttributesJson() != null || event.getPropertiesJson() != null
                || event.getUserPropertiesJson() != null || event.getSearchQuery() != null;
    }
}
