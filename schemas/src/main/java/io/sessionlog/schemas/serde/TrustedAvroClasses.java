package io.sessionlog.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12.1+ refuses to instantiate classes of packages it does not trust. Our generated classes are trusted here,
 * once per JVM, in addition to whatever the {@code org.apache.avro.SERIALIZABLE_PACKAGES} property allows.
 */
final class TrustedAvroClasses {

    static final String PACKAGE = "io.sessionlog.schemas.avro.";

    static {
        final ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
                type -> type.getName().startsWith(PACKAGE)));
    }

    private TrustedAvroClasses() {
    }

    /** Touching the class runs its static initializer exactly once. */
    static void ensureInstalled() {
        // The static block did the work.
    }
}
