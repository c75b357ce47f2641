package io.sessionlog.privacy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventAppended;
import io.sessionlog.schemas.avro.EventContent;
import io.sessionlog.schemas.avro.EventKind;
import io.sessionlog.schemas.avro.EventsDeleted;
import io.sessionlog.schemas.avro.SealedContent;
import io.sessionlog.schemas.avro.SessionPatched;
import io.sessionlog.schemas.avro.SessionUpserted;
import io.sessionlog.schemas.avro.WriteIntent;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Seals the content of write intents before ingest writes them (privacy.encryption): an event's content fields become
 * one {@link SealedContent}, a session's title and document each one. Ids, types, times, owners and correlation ids
 * stay clear, so offsets, dedup, indexes and stats work on sealed events. A flux0 status event keeps its status word
 * ({@code {"status": "typing"}}) in clear, which the processor reads for the session's last status; the rest of its data
 * is sealed with the content.
 */
public final class Sealer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ByteBuffer NO_DOCUMENT = ByteBuffer.wrap(new byte[0]);
    private final KeyRing keys;
    private final Duration timeout;
    private final SpecificDatumWriter<EventContent> writer = new SpecificDatumWriter<>(EventContent.class);

    public Sealer(final KeyRing keys, final Duration timeout) {
        this.keys = keys;
        this.timeout = timeout;
    }

    /**
     * Seals every intent in place, after making sure each session has a key on the keys topic. A hard delete among
     * them retires its session's keys here once the intents before it are sealed: what is written after it is a new
     * session with a new key.
     */
    public void seal(final List<WriteIntent> intents) {
        final Set<String> sessions = new LinkedHashSet<>();
        for (final WriteIntent intent : intents) {
            if (carriesContent(intent.getIntent())) {
                sessions.add(intent.getSessionKey());
            }
        }
        if (!sessions.isEmpty()) {
            sealAll(intents, keys.sealingKeys(sessions, timeout));
        }
        intents.stream().filter(Sealer::deletesSession).forEach(intent -> retire(intent.getSessionKey()));
    }

    private void sealAll(final List<WriteIntent> intents, final Map<String, KeyRing.SessionKey> chosen) {
        // A session's intents one after another: AES expands a key again whenever the Cipher's key changes, which cost
        // more than the sealing itself on batches that mix sessions.
        final Map<String, List<WriteIntent>> bySession = new java.util.LinkedHashMap<>();
        for (final WriteIntent intent : intents) {
            if (chosen.containsKey(intent.getSessionKey())) {
                bySession.computeIfAbsent(intent.getSessionKey(), s -> new java.util.ArrayList<>()).add(intent);
            }
        }
        bySession.forEach((session, ofSession) -> ofSession.forEach(intent -> seal(intent, chosen.get(session))));
    }

    /** Forgets a deleted session's keys here, so that its next write starts a new session with a new key. */
    public void retire(final String session) {
        keys.retire(session);
    }

    private static boolean deletesSession(final WriteIntent intent) {
        return intent.getIntent() instanceof EventsDeleted deleted && deleted.getSession();
    }

    private static boolean carriesContent(final Object body) {
        return body instanceof EventAppended || body instanceof SessionUpserted
                || body instanceof SessionPatched patched && patched.getTitle() != null;
    }

    private void seal(final WriteIntent intent, final KeyRing.SessionKey key) {
        final byte[] associated = intent.getSessionKey().getBytes(StandardCharsets.UTF_8);
        if (intent.getIntent() instanceof EventAppended appended) {
            final CanonicalEvent event = appended.getEvent();
            // The constructor, not a builder: a builder copies every field deeply, the document too.
            final EventContent content = new EventContent(event.getDataJson(), event.getMetadataJson(), event.getDescription(),
                    event.getAttributesJson(), event.getPropertiesJson(), event.getUserPropertiesJson(), event.getSearchQuery(),
                    event.getRaw());
            final String status = event.getKind() == EventKind.STATUS ? statusOnly(event.getDataJson()) : null;
            event.setSealed(sealed(key, associated, encode(content)));
            event.setDataJson(status);
            event.setMetadataJson(null);
            event.setDescription(null);
            event.setAttributesJson(null);
            event.setPropertiesJson(null);
            event.setUserPropertiesJson(null);
            event.setSearchQuery(null);
            event.setRaw(NO_DOCUMENT.duplicate());
        } else if (intent.getIntent() instanceof SessionUpserted upserted) {
            if (upserted.getTitle() != null) {
                upserted.setSealedTitle(sealed(key, associated, upserted.getTitle().getBytes(StandardCharsets.UTF_8)));
                upserted.setTitle(null);
            }
            upserted.setSealedRaw(sealed(key, associated, bytes(upserted.getRaw())));
            upserted.setRaw(NO_DOCUMENT.duplicate());
        } else if (intent.getIntent() instanceof SessionPatched patched && patched.getTitle() != null) {
            patched.setSealedTitle(sealed(key, associated, patched.getTitle().getBytes(StandardCharsets.UTF_8)));
            patched.setTitle(null);
        }
    }

    private static SealedContent sealed(final KeyRing.SessionKey key, final byte[] associated, final byte[] plaintext) {
        return new SealedContent(key.ref().keyId(), ByteBuffer.wrap(ContentCipher.seal(key.secret(), associated, plaintext)));
    }

    /** {@code {"status": …}} of a status event's data, or null: the one word of a status event the processor reads. */
    private static String statusOnly(final String dataJson) {
        if (dataJson == null) {
            return null;
        }
        try {
            final JsonNode status = JSON.readTree(dataJson).get("status");
            return status == null || !status.isTextual() ? null
                    : JSON.createObjectNode().put("status", status.asText()).toString();
        } catch (IOException e) {
            return null;
        }
    }

    private byte[] encode(final EventContent content) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(content, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode an event's content: " + e, e);
        }
        return out.toByteArray();
    }

    static byte[] bytes(final ByteBuffer buffer) {
        final ByteBuffer copy = buffer.duplicate();
        final byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
