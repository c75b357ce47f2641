package io.sessionlog.schemas;

/**
 * The links contract §4 derives from a correlation id: root = the text before the first {@code ::}, parent = the
 * text before the last {@code ::} (none when there is no {@code ::}). {@code RID(A)::B} has root {@code RID(A)}.
 */
public final class CorrelationIds {

    static final String SEPARATOR = "::";

    private CorrelationIds() {
    }

    public static String root(final String correlationId) {
        final int first = correlationId.indexOf(SEPARATOR);
        return first < 0 ? correlationId : correlationId.substring(0, first);
    }

    public static String parent(final String correlationId) {
        final int last = correlationId.lastIndexOf(SEPARATOR);
        return last < 0 ? null : correlationId.substring(0, last);
    }
}
