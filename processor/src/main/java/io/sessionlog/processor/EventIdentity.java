package io.sessionlog.processor;

import java.nio.ByteBuffer;
import java.util.function.Function;

import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.SealedContent;
import io.sessionlog.schemas.avro.StampedEvent;

/**
 * An event without its content: what the processor keeps of each event, and what a deleted record on {@code events}
 * carries. Deduplication needs the id, deletes the offset and the deleted flag, the correlation chains the links; none
 * of them needs what was written or said, which the event's first record on {@code events} carried and the read
 * models keep (decision 0015). Kept: ids, origin, kind, type, source, correlation, times, owners and the other
 * identifying fields; left out: the producer's document ({@code raw}, empty) and every field of content (flux0 data
 * and metadata, Syllable description and attributes, Inkeep properties, user properties and search query), and their
 * sealed form with privacy.encryption.
 */
final class EventIdentity {

    private static final ByteBuffer NO_DOCUMENT = ByteBuffer.wrap(new byte[0]);

    private EventIdentity() {
    }

    /**
     * {@code encode} applied to the event without its content. The event is stripped in place and given back its
     * content afterwards, so the stamper's hot path copies nothing: an Avro builder copies every field deeply.
     */
    static <T> T encoded(final StampedEvent stamped, final Function<StampedEvent, T> encode) {
        final CanonicalEvent event = stamped.getEvent();
        final Content content = Content.of(event);
        Content.NONE.applyTo(event);
        try {
            return encode.apply(stamped);
        } finally {
            content.applyTo(event);
        }
    }

    /** Strips the content of {@code stamped} for good: an event stored or re-emitted without it. */
    static StampedEvent strip(final StampedEvent stamped) {
        Content.NONE.applyTo(stamped.getEvent());
        return stamped;
    }

    /** The content fields of an event. */
    private record Content(String data, String metadata, String description, String attributes, String properties,
                           String userProperties, String searchQuery, ByteBuffer raw, SealedContent sealed) {

        static final Content NONE = new Content(null, null, null, null, null, null, null, NO_DOCUMENT, null);

        static Content of(final CanonicalEvent event) {
            return new Content(event.getDataJson(), event.getMetadataJson(), event.getDescription(), event.getAttributesJson(),
                    event.getPropertiesJson(), event.getUserPropertiesJson(), event.getSearchQuery(), event.getRaw(), event.getSealed());
        }

        void applyTo(final CanonicalEvent event) {
            event.setDataJson(data);
            event.setMetadataJson(metadata);
            event.setDescription(description);
            event.setAttributesJson(attributes);
            event.setPropertiesJson(properties);
            event.setUserPropertiesJson(userProperties);
            event.setSearchQuery(searchQuery);
            event.setRaw(raw == NO_DOCUMENT ? NO_DOCUMENT.duplicate() : raw);
            event.setSealed(sealed);
        }
    }
}
