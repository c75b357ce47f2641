package io.sessionlog.schemas.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.sessionlog.schemas.registry.SchemaRegistryClient;
import io.sessionlog.schemas.registry.SchemaRegistryClients;
import io.sessionlog.schemas.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format values into a generated class: the writer schema comes from the registry by the id in
 * the header, and Avro's schema resolution maps it onto the class's own schema, so older and newer writers are read.
 */
public final class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    static {
        TrustedAvroClasses.ensureInstalled();
    }

    private final Schema readerSchema;
    private final Map<Integer, DatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();
    private SchemaRegistryClient registry;

    public SpecificAvroDeserializer(final Class<T> type) {
        this.readerSchema = SpecificData.get().getSchema(type);
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        final AvroSerdeConfig config = AvroSerdeConfig.from(configs);
        this.registry = SchemaRegistryClients.forUrl(config.url(), config.credentialsSource(), config.userInfo());
    }

    @Override
    public T deserialize(final String topic, final byte[] data) {
        if (data == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("SpecificAvroDeserializer used before configure()");
        }
        final int id = WireFormat.schemaId(data);
        try {
            final DatumReader<T> reader = readersByWriterId.computeIfAbsent(id, this::readerFor);
            final BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                    data.length - WireFormat.HEADER_SIZE, null);
            final T record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                // A record is the whole value: bytes after it mean a writer we do not understand, or corruption.
                throw new SerializationException(decoder.inputStream().available() + " bytes after the "
                        + readerSchema.getFullName() + " record (schema id " + id + ") in " + topic);
            }
            return record;
        } catch (SerializationException e) {
            throw e;
        } catch (SchemaRegistryException e) {
            throw new SerializationException("schema id " + id + " of a record in " + topic + " is unknown to the registry: "
                    + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot read a " + readerSchema.getFullName() + " with schema id " + id
                    + " from " + topic + ": " + e, e);
        }
    }

    private DatumReader<T> readerFor(final int writerId) {
        return new SpecificDatumReader<>(registry.schemaById(writerId), readerSchema);
    }
}
