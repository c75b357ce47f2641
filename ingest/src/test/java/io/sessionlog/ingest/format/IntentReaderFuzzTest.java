package io.sessionlog.ingest.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.sessionlog.ingest.Fixtures;
import io.sessionlog.ingest.fuzz.BodyMutator;
import io.sessionlog.schemas.avro.CanonicalEvent;
import io.sessionlog.schemas.avro.EventAppended;
import io.sessionlog.schemas.avro.EventKind;
import io.sessionlog.schemas.avro.Origin;
import io.sessionlog.schemas.avro.WriteIntent;
import io.sessionlog.schemas.serde.SpecificAvroSerde;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every reader under hostile input, generated from the fixtures by mutation: whatever a client sends is either read
 * into intents that encode and read back whole, or refused as the client's error (400 or 413, naming a field and a
 * reason) — never another exception, which a route would answer with 500.
 */
class IntentReaderFuzzTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final String RAW = "fuzz.events.raw";
    private static final SpecificAvroSerde<WriteIntent> SERDE = SpecificAvroSerde.forValues(WriteIntent.class,
            Map.of("schema.registry.url", "mock://reader-fuzz"));
    private final IntentReader reader = new IntentReader(1024 * 1024);

    /** A valid body and the route that takes it. */
    record Seed(String route, byte[] body) {
        @Override
        public String toString() {
            return route + " " + new String(body, StandardCharsets.UTF_8).substring(0, Math.min(60, body.length));
        }
    }

    @Provide
    Arbitrary<Seed> seeds() {
        final List<Seed> seeds = new ArrayList<>();
        for (final String format : List.of("E", "Y", "K")) {
            for (final Path file : Fixtures.files(format)) {
                seeds.add(new Seed(format, Fixtures.bytes(file)));
            }
        }
        seeds.add(new Seed("S", "{\"id\":\"zv3h4j5Fjv\",\"agent_id\":\"vUfk4PgjTm\",\"title\":\"Weather\",\"mode\":\"auto\",\"created_at\":\"2025-01-29T09:27:41Z\"}"
                .getBytes(StandardCharsets.UTF_8)));
        seeds.add(new Seed("PATCH", "{\"consumption_offsets\":{\"client\":3,\"bot\":7},\"title\":\"t\"}".getBytes(StandardCharsets.UTF_8)));
        seeds.add(new Seed("BULK-E", ("{\"session_id\":\"s1\",\"id\":\"e1\",\"correlation_id\":\"c\",\"type\":\"custom\","
                + "\"source\":\"system\",\"data\":{},\"created_at\":1738142861000}").getBytes(StandardCharsets.UTF_8)));
        return Arbitraries.of(seeds);
    }

    @Property(tries = 2_000)
    void everyMutatedBodyIsReadWholeOrRefusedAsTheClientsError(@ForAll("seeds") final Seed seed, @ForAll final long mutation) {
        final byte[] body = new BodyMutator(mutation).mutate(seed.body());
        final List<WriteIntent> intents;
        try {
            intents = read(seed.route(), body);
        } catch (InvalidInputException refused) {
            assertFalse(refused.errors().isEmpty());
            refused.errors().forEach(IntentReaderFuzzTest::assertNamed);
            return;
        } catch (TooLargeException refused) {
            return;
        } catch (RuntimeException e) {
            throw new AssertionError("a route would answer 500 for " + seed.route() + " with mutation " + mutation + ": " + e, e);
        }
        for (final WriteIntent intent : intents) {
            final byte[] encoded = SERDE.serializer().serialize(RAW, intent);
            final WriteIntent back = SERDE.deserializer().deserialize(RAW, encoded);
            if (!intent.equals(back)) {
                fail("not read back whole: " + seed.route() + " with mutation " + mutation + ": sent "
                        + escaped(intent.toString()) + ", read " + escaped(back.toString()));
            }
        }
    }

    @Property(tries = 1_000)
    void aRecordEncodedAfterAFailedOneIsByteIdenticalToItEncodedAlone(@ForAll final long seconds, @ForAll final int nanos) {
        final WriteIntent victim = intent("victim", Instant.parse("2025-01-29T09:27:41.123456Z"));
        final byte[] alone = SERDE.serializer().serialize(RAW, victim);
        final Instant time = Instant.ofEpochSecond(Math.max(Instant.MIN.getEpochSecond(), Math.min(Instant.MAX.getEpochSecond(), seconds)),
                Math.floorMod(nanos, 1_000_000_000));
        try {
            SERDE.serializer().serialize(RAW, intent("any", time));
        } catch (org.apache.kafka.common.errors.SerializationException tooFar) {
            // Beyond timestamp-micros: refused, and it must leave nothing behind.
        }
        assertArrayEquals(alone, SERDE.serializer().serialize(RAW, victim));
    }

    private List<WriteIntent> read(final String route, final byte[] body) {
        return switch (route) {
            case "E" -> reader.events(InputFormat.E, JsonItems.split(body), Optional.of("zv3h4j5Fjv"), NOW);
            case "Y" -> reader.events(InputFormat.Y, JsonItems.split(body), Optional.empty(), NOW);
            case "K" -> reader.events(InputFormat.K, JsonItems.split(body), Optional.empty(), NOW);
            case "S" -> reader.sessions(JsonItems.split(body), NOW);
            case "PATCH" -> List.of(reader.patch("zv3h4j5Fjv", JsonItems.split(body).get(0), NOW));
            case "BULK-E" -> {
                final List<FieldError> errors = new ArrayList<>();
                final List<JsonItem> lines = JsonItems.splitLines(body, errors);
                if (!errors.isEmpty()) {
                    throw new InvalidInputException(errors, lines.size());
                }
                yield reader.events(InputFormat.E, lines, Optional.empty(), NOW);
            }
            default -> throw new IllegalArgumentException(route);
        };
    }

    /** Non-ASCII and control characters as \\uXXXX, so a report shows which one went astray. */
    private static String escaped(final String text) {
        final StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.toString();
    }

    private static void assertNamed(final FieldError error) {
        if (error.field() == null || error.field().isBlank() || error.reason() == null || error.reason().isBlank()) {
            fail("a refusal names a field and a reason: " + error);
        }
    }

    private static WriteIntent intent(final String id, final Instant time) {
        final CanonicalEvent event = CanonicalEvent.newBuilder()
                .setEventId(id).setOrigin(Origin.FLUX0).setKind(EventKind.CUSTOM).setType("custom").setSource("user")
                .setCorrelationId("c").setOccurredAt(time).setDataJson("{}").setSchemaRef("flux0.EventDTO")
                .setRaw(ByteBuffer.wrap(new byte[] {'{', '}'})).build();
        return WriteIntent.newBuilder().setSessionKey("s").setIngestedAt(NOW)
                .setIntent(EventAppended.newBuilder().setEvent(event).build()).build();
    }
}
