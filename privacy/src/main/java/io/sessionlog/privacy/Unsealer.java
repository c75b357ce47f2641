package io.sessionlog.privacy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.SecretKey;

import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventContent;
import io.sessionlog.schemas.avro.SealedContent;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens sealed content in place: a stamped event gets its content fields back and {@code sealed} cleared; a view its
 * title. Content whose key is destroyed (the session was deleted or expired) stays sealed: its fields stay null and
 * {@code sealed} stays set, which is how a reader tells erased content from content that was never there.
 */
public final class Unsealer {

    private static final Logger LOG = LoggerFactory.getLogger(Unsealer.class);
    private final KeyRing keys;
    private final AtomicLong unreadable = new AtomicLong();
    /** A reader per thread: building one resolves the schema, which costs more than reading an event. */
    private static final ThreadLocal<SpecificDatumReader<EventContent>> READERS =
            ThreadLocal.withInitial(() -> new SpecificDatumReader<>(EventContent.class));

    public Unsealer(final KeyRing keys) {
        this.keys = keys;
    }

    /** Opens {@code stamped}'s event; returns it, for chaining. */
    public StampedEvent open(final StampedEvent stamped) {
        if (stamped != null) {
            open(stamped.getSessionKey(), stamped.getEvent(), stamped.getIngestedAt());
        }
        return stamped;
    }

    /** Opens an event of {@code session}; whether it is now plain. */
    public boolean open(final String session, final CanonicalEvent event) {
        return open(session, event, null);
    }

    private boolean open(final String session, final CanonicalEvent event, final java.time.Instant sealedBy) {
        final SealedContent sealed = event.getSealed();
        if (sealed == null) {
            return true;
        }
        final Optional<byte[]> plain = plaintext(session, sealed, sealedBy);
        if (plain.isEmpty()) {
            return false;
        }
        final EventContent content;
        try {
            content = READERS.get().read(null, DecoderFactory.get().binaryDecoder(plain.get(), null));
        } catch (IOException | RuntimeException e) {
            LOG.warn("the sealed content of event {} of session {} is not an EventContent: {}", event.getEventId(), session, e.toString());
            return false;
        }
        event.setDataJson(content.getDataJson());
        event.setMetadataJson(content.getMetadataJson());
        event.setDescription(content.getDescription());
        event.setAttributesJson(content.getAttributesJson());
        event.setPropertiesJson(content.getPropertiesJson());
        event.setUserPropertiesJson(content.getUserPropertiesJson());
        event.setSearchQuery(content.getSearchQuery());
        event.setRaw(content.getRaw());
        event.setSealed(null);
        return true;
    }

    /** Opens {@code view}'s title; returns it, for chaining. */
    public SessionView open(final SessionView view) {
        if (view != null && view.getSealedTitle() != null) {
            plaintext(view.getSessionKey(), view.getSealedTitle(), view.getUpdatedAt()).ifPresent(title -> {
                view.setTitle(new String(title, StandardCharsets.UTF_8));
                view.setSealedTitle(null);
            });
        }
        return view;
    }

    /** The plaintext of one sealed value of {@code session}, or empty when its key is destroyed or it does not open. */
    public Optional<byte[]> plaintext(final String session, final SealedContent sealed) {
        return plaintext(session, sealed, null);
    }

    private Optional<byte[]> plaintext(final String session, final SealedContent sealed, final java.time.Instant sealedBy) {
        final Optional<SecretKey> key = keys.find(new KeyRef(session, sealed.getKeyId()), sealedBy);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ContentCipher.open(key.get(), session.getBytes(StandardCharsets.UTF_8), Sealer.bytes(sealed.getCiphertext())));
        } catch (GeneralSecurityException e) {
            if (unreadable.getAndIncrement() % 1_000 == 0) {
                LOG.warn("sealed content of session {} does not open with its key {} ({}); {} such so far", session,
                        sealed.getKeyId(), e.getMessage(), unreadable.get());
            }
            return Optional.empty();
        }
    }
}
