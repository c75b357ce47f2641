package io.sessionlog.app.erasure;

import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventAppended;
import io.sessionlog.schemas.avro.SessionPatched;
import io.sessionlog.schemas.avro.SessionUpserted;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.avro.WriteIntent;

/** What a record carries of what a person wrote or said: nothing, only sealed content, or plaintext. */
enum Content {
    NONE, SEALED, PLAIN;

    static Content of(final Object value) {
        if (value instanceof WriteIntent intent) {
            return of(intent.getIntent());
        }
        if (value instanceof StampedEvent stamped) {
            return of(stamped.getEvent());
        }
        if (value instanceof EventAppended appended) {
            return of(appended.getEvent());
        }
        if (value instanceof SessionView view) {
            return view.getTitle() != null ? PLAIN : view.getSealedTitle() != null ? SEALED : NONE;
        }
        if (value instanceof SessionUpserted upserted) {
            return upserted.getTitle() != null || upserted.getRaw().remaining() > 0 ? PLAIN
                    : upserted.getSealedTitle() != null || upserted.getSealedRaw() != null ? SEALED : NONE;
        }
        if (value instanceof SessionPatched patched) {
            return patched.getTitle() != null ? PLAIN : patched.getSealedTitle() != null ? SEALED : NONE;
        }
        return NONE;
    }

    private static Content of(final CanonicalEvent event) {
        final boolean plain = event.getRaw().remaining() > 0 || event.getMetadataJson() != null || event.getDescription() != null
                || event.getAttributesJson() != null || event.getPropertiesJson() != null || event.getUserPropertiesJson() != null
                || event.getSearchQuery() != null || event.getDataJson() != null && event.getSealed() == null;
        return plain ? PLAIN : event.getSealed() != null ? SEALED : NONE;
    }
}
