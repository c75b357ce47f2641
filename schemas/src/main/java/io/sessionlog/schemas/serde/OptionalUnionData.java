package io.sessionlog.schemas.serde;

import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * Avro's specific data model with a short cut for optional fields ({@code ["null", T]}): the branch is known from
 * whether the value is null, where Avro looks the value's schema name up in the union for every field. Our schemas
 * are mostly optional fields, and that look-up showed in the processor's profile of serialization.
 * Every other union, and every conversion of the generated classes, is Avro's own.
 */
final class OptionalUnionData extends SpecificData {

    OptionalUnionData(final SpecificData generated) {
        super(generated.getClassLoader());
        generated.getConversions().forEach(this::addLogicalTypeConversion);
        setFastReaderEnabled(generated.isFastReaderEnabled());
    }

    static OptionalUnionData forSchema(final Schema schema) {
        return new OptionalUnionData(SpecificData.getForSchema(schema));
    }

    @Override
    public int resolveUnion(final Schema union, final Object datum) {
        final List<Schema> branches = union.getTypes();
        if (branches.size() == 2) {
            final boolean nullFirst = branches.get(0).getType() == Schema.Type.NULL;
            if (nullFirst || branches.get(1).getType() == Schema.Type.NULL) {
                final int nullBranch = nullFirst ? 0 : 1;
                return datum == null ? nullBranch : 1 - nullBranch;
            }
        }
        return super.resolveUnion(union, datum);
    }
}
