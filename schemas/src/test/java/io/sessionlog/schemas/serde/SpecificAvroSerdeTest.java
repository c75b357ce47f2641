package io.sessionlog.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.Correlation;
import io.sessionlog.schemas.avro.SessionView;
import io.sessionlog.schemas.avro.EventAppended;
import io.sessionlog.schemas.avro.EventKind;
import io.sessionlog.schemas.avro.Origin;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.registry.MockSchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SpecificAvroSerdeTest {

    private static final String SCOPE = "serde-test";
    private static final Map<String, Object> CONFIG = Map.of("schema.registry.url", "mock://" + SCOPE);

    @AfterEach
    void dropRegistry() {
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void writesMagicByteSchemaIdAndPlainAvroBinary() throws Exception {
        final WriteIntent intent = intent("o5kf8vKzI5", "Il fait 16 °C 🌁 — 旧金山有雾");
        final SpecificAvroSerde<WriteIntent> serde = SpecificAvroSerde.forValues(WriteIntent.class, CONFIG);

        final byte[] bytes = serde.serializer().serialize("sessionlog.events.raw", intent);

        final int id = MockSchemaRegistry.forScope(SCOPE).lookup("sessionlog.events.raw-value", WriteIntent.getClassSchema()).id();
        assertEquals(0, bytes[0], "magic byte");
        assertEquals(id, ByteBuffer.wrap(bytes, 1, 4).getInt(), "big-endian schema id of the subject <topic>-value");
        assertArrayEquals(avroBinary(intent), Arrays.copyOfRange(bytes, 5, bytes.length), "the rest is Avro binary");
        assertEquals(intent, serde.deserializer().deserialize("sessionlog.events.raw", bytes));
    }

    @Test
    void readsARecordWrittenWithAnOlderSchemaUsingTheReadersDefaults() {
        // An older writer whose CanonicalEvent lacked most optional fields.
        final Schema old = SchemaBuilder.record("CanonicalEvent").namespace("io.sessionlog.schemas.avro").fields()
                .requiredString("event_id")
                .name("origin").type(Origin.getClassSchema()).noDefault()
                .name("kind").type(EventKind.getClassSchema()).noDefault()
                .name("occurred_at").type(CanonicalEvent.getClassSchema().getField("occurred_at").schema()).noDefault()
                .requiredString("schema_ref")
                .requiredBytes("raw")
                .endRecord();
        final int oldId = MockSchemaRegistry.forScope(SCOPE).register("old-topic-value", old);
        final GenericRecord record = new GenericData.Record(old);
        record.put("event_id", "abc");
        record.put("origin", new GenericData.EnumSymbol(Origin.getClassSchema(), "FLUX0"));
        record.put("kind", new GenericData.EnumSymbol(EventKind.getClassSchema(), "STATUS"));
        record.put("occurred_at", 1_738_142_861_000_000L);
        record.put("schema_ref", "flux0.EventDTO");
        record.put("raw", ByteBuffer.wrap("{}".getBytes(StandardCharsets.UTF_8)));

        final CanonicalEvent event = SpecificAvroSerde.forValues(CanonicalEvent.class, CONFIG).deserializer()
                .deserialize("old-topic", frame(oldId, old, record));

        assertEquals("abc", event.getEventId());
        assertEquals(EventKind.STATUS, event.getKind());
        assertEquals(null, event.getCorrelationId(), "a field the old writer lacked takes its default");
        assertEquals(Instant.parse("2025-01-29T09:27:41Z"), event.getOccurredAt());
    }

    @Test
    void refusesBytesThatAreNotInTheWireFormat() {
        final SpecificAvroSerde<WriteIntent> serde = SpecificAvroSerde.forValues(WriteIntent.class, CONFIG);
        final SerializationException error = assertThrows(SerializationException.class,
                () -> serde.deserializer().deserialize("t", "{\"json\":true}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(error.getMessage().contains("magic byte"), error.getMessage());
    }

    @Test
    void refusesAnUnknownSchemaId() {
        final byte[] bytes = {0, 0, 0, 0, 42, 1, 2};
        final SerializationException error = assertThrows(SerializationException.class,
                () -> SpecificAvroSerde.forValues(WriteIntent.class, CONFIG).deserializer().deserialize("t", bytes));
        assertTrue(error.getMessage().contains("schema id 42"), error.getMessage());
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaIsRefused() {
        final Map<String, Object> config = Map.of("schema.registry.url", "mock://" + SCOPE, "auto.register.schemas", "false");
        final SpecificAvroSerde<WriteIntent> serde = SpecificAvroSerde.forValues(WriteIntent.class, config);
        assertThrows(SerializationException.class, () -> serde.serializer().serialize("t", intent("x", "y")));
    }

    @Test
    void aRecordWrittenAfterARefusedOneIsByteIdenticalToItWrittenAlone() {
        final SpecificAvroSerde<WriteIntent> serde = SpecificAvroSerde.forValues(WriteIntent.class, CONFIG);
        final WriteIntent victim = intent("v1", "written after a refused record");
        final byte[] alone = serde.serializer().serialize("t", victim);
        // A time past what timestamp-micros holds overflows half-way through the record, after its first fields.
        final WriteIntent overflowing = intent("atk", "x");
        ((EventAppended) overflowing.getIntent()).getEvent().setOccurredAt(Instant.parse("+300000-01-01T00:00:00Z"));

        assertThrows(SerializationException.class, () -> serde.serializer().serialize("t", overflowing));
        final byte[] after = serde.serializer().serialize("t", victim);

        assertArrayEquals(alone, after, "no byte of the refused record reaches the next one");
        assertEquals(victim, serde.deserializer().deserialize("t", after));
    }

    @Test
    void refusesAValueWithBytesAfterTheRecord() {
        final SpecificAvroSerde<WriteIntent> serde = SpecificAvroSerde.forValues(WriteIntent.class, CONFIG);
        final byte[] valid = serde.serializer().serialize("t", intent("x", "y"));
        final byte[] trailing = Arrays.copyOf(valid, valid.length + 3);

        final SerializationException error = assertThrows(SerializationException.class,
                () -> serde.deserializer().deserialize("t", trailing));
        assertTrue(error.getMessage().contains("3 bytes after"), error.getMessage());
    }

    static WriteIntent intent(final String id, final String text) {
        final byte[] raw = ("{\"id\":\"" + id + "\",\"text\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
        final CanonicalEvent event = CanonicalEvent.newBuilder()
                .setEventId(id).setOrigin(Origin.FLUX0).setKind(EventKind.MESSAGE).setType("message").setSource("user")
                .setOccurredAt(Instant.parse("2025-01-29T09:27:41.123456Z"))
                .setDataJson("{\"type\":\"message\"}").setSchemaRef("flux0.EventDTO").setRaw(ByteBuffer.wrap(raw))
                .build();
        return WriteIntent.newBuilder().setSessionKey("zv3h4j5Fjv").setIngestedAt(Instant.parse("2025-01-29T09:27:42Z"))
                .setIntent(EventAppended.newBuilder().setEvent(event).build()).build();
    }

    @Test
    void writesOptionalFieldsNullOrSetExactlyAsAvroDoes() throws Exception {
        // The serializer resolves ["null", T] unions itself (OptionalUnionData): its bytes must stay Avro's.
        final SpecificAvroSerde<SessionView> serde = SpecificAvroSerde.forValues(SessionView.class, CONFIG);
        final SessionView bare = SessionView.newBuilder().setSessionKey("s").setOrigin(Origin.FLUX0).setId("s")
                .setCreatedAt(Instant.parse("2025-01-29T09:27:41.123456Z")).setUpdatedAt(Instant.parse("2025-01-29T09:27:42Z"))
                .build();
        final SessionView full = SessionView.newBuilder(bare).setAgentId("vUfk4PgjTm").setUserId("u").setTitle("Weather")
                .setMode("auto").setConversationId("c").setLastEventAt(Instant.parse("2025-01-29T09:28:00Z"))
                .setLastStatus("ready").setConsumptionOffsets(Map.of("client", 3L)).setUnreadCounts(Map.of("client", 1L))
                .setCurrentChain(Correlation.newBuilder().setRoot("RID(a)").setParent(null).setChainStartOffset(0)
                        .setChainStartEventId("e0").setChainPosition(2).build())
                .build();
        for (final SessionView view : List.of(bare, full)) {
            final byte[] bytes = serde.serializer().serialize("views", view);
            assertArrayEquals(avroBinary(view), Arrays.copyOfRange(bytes, 5, bytes.length));
            assertEquals(view, serde.deserializer().deserialize("views", bytes));
        }
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> byte[] avroBinary(final T record) throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<T>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static byte[] frame(final int id, final Schema schema, final GenericRecord record) {
        try {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
            final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
