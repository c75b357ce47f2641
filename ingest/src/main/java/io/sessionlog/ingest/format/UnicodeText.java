package io.sessionlog.ingest.format;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * JSON escapes can spell what is not Unicode text: an unpaired surrogate ({@code "\ud800"}). Written as UTF-8 (Avro
 * strings, answers) it would become {@code ?}, so the event would not read back as it was sent. Refused instead,
 * naming the field.
 */
final class UnicodeText {

    private UnicodeText() {
    }

    /** Whether every name and text of the item is Unicode text; otherwise the first offending field is in errors. */
    static boolean check(final JsonItem item, final List<FieldError> errors) {
        final String bad = firstUnpaired(item.node(), "");
        if (bad == null) {
            return true;
        }
        errors.add(new FieldError(item.index(), bad.isEmpty() ? "item" : bad,
                "holds an unpaired UTF-16 surrogate (such as \\ud800): not Unicode text"));
        return false;
    }

    private static String firstUnpaired(final JsonNode node, final String path) {
        if (node.isTextual()) {
            return hasUnpaired(node.textValue()) ? path : null;
        }
        if (node.isObject()) {
            for (final Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                final Map.Entry<String, JsonNode> field = fields.next();
                final String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (hasUnpaired(field.getKey())) {
                    return child;
                }
                final String bad = firstUnpaired(field.getValue(), child);
                if (bad != null) {
                    return bad;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                final String bad = firstUnpaired(node.get(i), path + "[" + i + "]");
                if (bad != null) {
                    return bad;
                }
            }
        }
        return null;
    }

    static boolean hasUnpaired(final String text) {
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
