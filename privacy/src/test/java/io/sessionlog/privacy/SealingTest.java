package io.sessionlog.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventAppended;
import io.sessionlog.schemas.avro.EventKind;
import io.sessionlog.schemas.avro.Origin;
import io.sessionlog.schemas.avro.SessionPatched;
import io.sessionlog.schemas.avro.SessionUpserted;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.StampedEvent;
import io.sessionlog.schemas.avro.WriteIntent;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** What sealing hides, what it leaves clear for offsets, indexes and stats, and what opening gives back. */
class SealingTest {

    private static final String SECRET = "my card is 4111-SECRET";
    private final MapKeyRing keys = new MapKeyRing();
    private final Sealer sealer = new Sealer(keys, Duration.ofSeconds(1));
    private final Unsealer unsealer = new Unsealer(keys);

    @Test
    void anEventOfEachOriginKeepsNoContentInClearAndOpensToWhatWasSent() throws Exception {
        final CanonicalEvent flux0 = event("s1", Origin.FLUX0, EventKind.MESSAGE);
        flux0.setDataJson("{\"parts\":[\"" + SECRET + "\"]}");
        flux0.setMetadataJson("{\"note\":\"" + SECRET + "\"}");
        final CanonicalEvent syllable = event("s1", Origin.SYLLABLE, EventKind.TOOL);
        syllable.setDescription(SECRET);
        syllable.setAttributesJson("{\"said\":\"" + SECRET + "\"}");
        final CanonicalEvent inkeep = event("s1", Origin.INKEEP, EventKind.CUSTOM);
        inkeep.setPropertiesJson("{\"q\":\"" + SECRET + "\"}");
        inkeep.setUserPropertiesJson("{\"email\":\"" + SECRET + "\"}");
        inkeep.setSearchQuery(SECRET);
        for (final CanonicalEvent event : List.of(flux0, syllable, inkeep)) {
            final CanonicalEvent sent = CanonicalEvent.newBuilder(event).build();
            final WriteIntent intent = intent("s1", new EventAppended(event));
            sealer.seal(List.of(intent));

            assertFalse(contains(avro(intent), SECRET), event.getOrigin() + ": no byte of the content is in clear");
            assertNotNull(event.getSealed());
            assertEquals(0, event.getRaw().remaining(), "the producer's document is sealed too");
            assertEquals(sent.getEventId(), event.getEventId(), "ids stay clear");
            assertEquals(sent.getUserId(), event.getUserId(), "owners stay clear");
            assertEquals(sent.getCorrelationId(), event.getCorrelationId());

            final StampedEvent stamped = stamped("s1", event);
            unsealer.open(stamped);
            assertEquals(sent, stamped.getEvent(), event.getOrigin() + ": opened, the event is what was sent, field for field");
        }
    }

    @Test
    void aStatusEventKeepsOnlyItsStatusWordInClear() {
        final CanonicalEvent status = event("s1", Origin.FLUX0, EventKind.STATUS);
        status.setDataJson("{\"type\":\"status\",\"status\":\"error\",\"data\":{\"exception\":\"" + SECRET + "\"}}");
        sealer.seal(List.of(intent("s1", new EventAppended(status))));
        assertEquals("{\"status\":\"error\"}", status.getDataJson(), "the processor reads the session's last status from it");
        unsealer.open(stamped("s1", status));
        assertTrue(status.getDataJson().contains(SECRET), "opened, the whole data is back");
    }

    @Test
    void titlesAndSessionDocumentsAreSealedAndAViewOpens() throws Exception {
        final SessionUpserted upserted = SessionUpserted.newBuilder().setId("s1").setTitle(SECRET)
                .setRaw(ByteBuffer.wrap(("{\"title\":\"" + SECRET + "\"}").getBytes(StandardCharsets.UTF_8))).build();
        final SessionPatched patched = SessionPatched.newBuilder().setTitle(SECRET + " renamed").build();
        final WriteIntent upsert = intent("s1", upserted);
        final WriteIntent patch = intent("s1", patched);
        sealer.seal(List.of(upsert, patch));
        assertFalse(contains(avro(upsert), SECRET));
        assertFalse(contains(avro(patch), SECRET));
        assertNull(upserted.getTitle());
        assertEquals(upserted.getSealedTitle().getKeyId(), patched.getSealedTitle().getKeyId(), "one key per session");

        final SessionView view = view("s1");
        view.setSealedTitle(patched.getSealedTitle());
        unsealer.open(view);
        assertEquals(SECRET + " renamed", view.getTitle());
        assertNull(view.getSealedTitle());
    }

    @Test
    void onceTheKeyIsDestroyedNothingOpensAndTheRecordSaysSo() {
        final CanonicalEvent event = event("gone", Origin.SYLLABLE, EventKind.TOOL);
        event.setDescription(SECRET);
        sealer.seal(List.of(intent("gone", new EventAppended(event))));
        keys.destroy("gone");

        final StampedEvent stamped = unsealer.open(stamped("gone", CanonicalEvent.newBuilder(event).build()));
        assertNull(stamped.getEvent().getDescription(), "the content stays unreadable");
        assertNotNull(stamped.getEvent().getSealed(), "and sealed stays set: erased, not absent");
    }

    @Test
    void sealedContentMovedToAnotherSessionDoesNotOpen() {
        final CanonicalEvent event = event("a", Origin.SYLLABLE, EventKind.TOOL);
        event.setDescription(SECRET);
        sealer.seal(List.of(intent("a", new EventAppended(event))));
        sealer.seal(List.of(intent("b", new EventAppended(event("b", Origin.SYLLABLE, EventKind.TOOL)))));
        // Even with b's key id, a's ciphertext is bound to session a.
        final CanonicalEvent moved = CanonicalEvent.newBuilder(event).build();
        assertFalse(unsealer.open("b", moved));
        assertNull(moved.getDescription());
    }

    @Test
    void aDeletedSessionsNextWriteGetsANewKey() {
        final CanonicalEvent first = event("s1", Origin.FLUX0, EventKind.MESSAGE);
        sealer.seal(List.of(intent("s1", new EventAppended(first))));
        sealer.retire("s1");
        final CanonicalEvent second = event("s1", Origin.FLUX0, EventKind.MESSAGE);
        sealer.seal(List.of(intent("s1", new EventAppended(second))));
        assertFalse(first.getSealed().getKeyId().equals(second.getSealed().getKeyId()));
    }

    private static CanonicalEvent event(final String session, final Origin origin, final EventKind kind) {
        return CanonicalEvent.newBuilder().setEventId("e-" + origin + "-" + kind).setOrigin(origin).setKind(kind)
                .setType("message").setCorrelationId("RID(r)::1").setUserId("user-7").setSessionId(session)
                .setOccurredAt(Instant.parse("2025-01-29T09:27:41Z")).setSchemaRef("test")
                .setRaw(ByteBuffer.wrap(("{\"sent\":\"" + SECRET + "\"}").getBytes(StandardCharsets.UTF_8))).build();
    }

    private static WriteIntent intent(final String session, final Object body) {
        return WriteIntent.newBuilder().setSessionKey(session).setIngestedAt(Instant.EPOCH).setIntent(body).build();
    }

    private static StampedEvent stamped(final String session, final CanonicalEvent event) {
        return StampedEvent.newBuilder().setSessionKey(session).setOffset(0).setEvent(event)
                .setIngestedAt(Instant.EPOCH).setStampedAt(Instant.EPOCH).build();
    }

    private static SessionView view(final String session) {
        return SessionView.newBuilder().setSessionKey(session).setOrigin(Origin.FLUX0).setId(session)
                .setCreatedAt(Instant.EPOCH).setUpdatedAt(Instant.EPOCH).build();
    }

    @SuppressWarnings("unchecked")
    private static byte[] avro(final SpecificRecord record) throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>((Class<SpecificRecord>) record.getClass()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** Whether {@code needle}'s UTF-8 bytes occur in {@code haystack} (ISO-8859-1 maps every byte to one char). */
    static boolean contains(final byte[] haystack, final String needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1)
                .contains(new String(needle.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
    }
}
