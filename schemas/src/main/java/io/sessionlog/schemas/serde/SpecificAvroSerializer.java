package io.sessionlog.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.sessionlog.schemas.Topics;
import io.sessionlog.schemas.registry.SchemaRegistryClient;
import io.sessionlog.schemas.registry.SchemaRegistryClients;
import io.sessionlog.schemas.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes generated Avro records in the Confluent wire format, subject by TopicNameStrategy. The schema id is resolved
 * once per subject: registered when {@code auto.register.schemas} (default), else looked up; with
 * {@code use.latest.version} the subject's latest version is used, which must be the record's own schema.
 */
public final class SpecificAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    static {
        TrustedAvroClasses.ensureInstalled();
    }

    /** A buffer that grew past this (a large event) is dropped after use rather than kept by the thread. */
    private static final int MAX_RETAINED_BUFFER = 64 * 1024;
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private static final class Buffers {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        BinaryEncoder encoder;
    }

    private final Map<String, Integer> idsByTopic = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<T>> writers = new ConcurrentHashMap<>();
    private SchemaRegistryClient registry;
    private AvroSerdeConfig config;
    private boolean isKey;

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        this.config = AvroSerdeConfig.from(configs);
        this.registry = SchemaRegistryClients.forUrl(config.url(), config.credentialsSource(), config.userInfo());
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(final String topic, final T data) {
        if (data == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("SpecificAvroSerializer used before configure()");
        }
        final Schema schema = data.getSchema();
        final int id = idsByTopic.computeIfAbsent(topic, t -> schemaId(Topics.subject(t, isKey), schema));
        // One buffer and one buffered encoder per thread, reused: serializing is on every record's path.
        final Buffers buffers = BUFFERS.get();
        final ByteArrayOutputStream out = buffers.out;
        out.reset();
        out.write(WireFormat.MAGIC_BYTE);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            buffers.encoder = EncoderFactory.get().binaryEncoder(out, buffers.encoder);
            writers.computeIfAbsent(schema, s -> new SpecificDatumWriter<>(s, OptionalUnionData.forSchema(s))).write(data, buffers.encoder);
            buffers.encoder.flush();
        } catch (IOException | RuntimeException e) {
            // The buffered encoder may hold part of this record (a field that failed half-way, an overflowing time):
            // reused, it would flush those bytes into the next record this thread writes, whoever sent it. Dropped.
            BUFFERS.remove();
            throw new SerializationException("cannot write " + schema.getFullName() + " for topic " + topic + ": " + e, e);
        }
        final byte[] bytes = out.toByteArray();
        if (out.size() > MAX_RETAINED_BUFFER) {
            BUFFERS.remove();
        }
        return bytes;
    }

    private int schemaId(final String subject, final Schema schema) {
        try {
            if (config.useLatestVersion()) {
                final var latest = registry.latest(subject);
                if (!latest.schema().equals(schema)) {
                    throw new SerializationException("use.latest.version: the latest schema of " + subject
                            + " (version " + latest.version() + ") is not " + schema.getFullName() + " as this build knows it");
                }
                return latest.id();
            }
            return config.autoRegister() ? registry.register(subject, schema) : registry.lookup(subject, schema).id();
        } catch (SchemaRegistryException e) {
            throw new SerializationException("schema registry refused " + schema.getFullName() + " for subject "
                    + subject + ": " + e.getMessage(), e);
        }
    }
}
