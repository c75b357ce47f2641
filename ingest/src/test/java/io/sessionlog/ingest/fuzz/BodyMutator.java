package io.sessionlog.ingest.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Hostile variants of a valid body, made by mutation, for the fuzz tests of the readers and the routes: values
 * replaced by extremes of every type (numbers, times, unicode edge cases, sizes), fields dropped or retyped, bytes
 * flipped, cut or re-encoded. The same seed gives the same body, so a failing case can be replayed.
 */
public final class BodyMutator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Raw JSON texts spliced in place of a value: what a JSON tree cannot hold once parsed. */
    private static final List<String> RAW_EXTREMES = List.of(
            "1e400", "-1e400", "1e-400", "-0", "0.0", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
            "100000000000000000000000000000", "1.7976931348623157e308", "4.9e-324", "2147483648",
            "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"a\\u0000b\"", "\"\\uffff\"", "\"\\ufffd\"", "\"\\u202e\\u200b\"",
            "\"+300000-01-01T00:00:00Z\"", "\"-000001-01-01T00:00:00Z\"", "\"0000-01-01T00:00:00Z\"",
            "\"9999-12-31T23:59:59.999999999Z\"", "\"2025-02-30T00:00:00Z\"", "\"2025-01-29T09:27:41+25:00\"",
            "\"2025-01-29T09:27:41\"", "\"\"", "\" \"", "\"%FF\"", "\"../../etc/passwd\"", "true", "null", "[]", "{}",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "{\"type\":{\"type\":{}}}");

    /** The largest body a mutation makes, about twice the routes' 1 MiB event limit and below their 10 MiB request limit. */
    private static final int MAX_BYTES = 4 * 1024 * 1024;

    private final Random random;

    public BodyMutator(final long seed) {
        this.random = new Random(seed);
    }

    /** One to three mutations of {@code valid}. */
    public byte[] mutate(final byte[] valid) {
        byte[] body = valid;
        final int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            final byte[] next = once(body);
            if (next.length <= MAX_BYTES) {
                body = next;
            }
        }
        return body;
    }

    private byte[] once(final byte[] body) {
        final JsonNode tree = parse(body);
        final int kind = random.nextInt(tree == null ? 3 : 10);
        return switch (kind) {
            case 0 -> flipBytes(body);
            case 1 -> cut(body);
            case 2 -> reencode(body);
            case 3 -> spliceExtreme(tree);
            case 4 -> spliceExtreme(tree);
            case 5 -> json(replaceValue(tree.deepCopy(), treeExtreme()));
            case 6 -> json(dropField(tree.deepCopy()));
            case 7 -> json(repeat(tree));
            case 8 -> json(replaceValue(tree.deepCopy(), NODES.textNode(longText())));
            default -> json(tree.isObject() ? NODES.arrayNode().add(tree) : NODES.objectNode().set("wrapped", tree));
        };
    }

    /** A value of the tree replaced by raw text: numbers and escapes a parsed tree would normalize. */
    private byte[] spliceExtreme(final JsonNode tree) {
        final String marker = "\"__sessionlog_fuzz_" + random.nextInt(1_000_000) + "__\"";
        final JsonNode marked = replaceValue(tree.deepCopy(), NODES.textNode(marker.substring(1, marker.length() - 1)));
        final String text = marked.toString().replace(marker, RAW_EXTREMES.get(random.nextInt(RAW_EXTREMES.size())));
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private JsonNode treeExtreme() {
        return switch (random.nextInt(7)) {
            case 0 -> NODES.numberNode(Long.MIN_VALUE);
            case 1 -> NODES.numberNode(Double.MAX_VALUE);
            case 2 -> NODES.textNode("🌁".repeat(1 + random.nextInt(64)));
            case 3 -> NODES.booleanNode(random.nextBoolean());
            case 4 -> NODES.nullNode();
            case 5 -> NODES.arrayNode().add(1).add("x");
            default -> NODES.objectNode().put("nested", "value");
        };
    }

    private String longText() {
        return "x".repeat(random.nextInt(3) == 0 ? 300_000 : 1 + random.nextInt(5_000));
    }

    /** Replaces one value anywhere in the tree (or the root). */
    private JsonNode replaceValue(final JsonNode root, final JsonNode replacement) {
        final List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        if (containers.isEmpty()) {
            return replacement;
        }
        final JsonNode container = containers.get(random.nextInt(containers.size()));
        if (container instanceof ObjectNode object && object.size() > 0) {
            final List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            object.set(names.get(random.nextInt(names.size())), replacement);
        } else if (container instanceof ArrayNode array && array.size() > 0) {
            array.set(random.nextInt(array.size()), replacement);
        }
        return root;
    }

    private JsonNode dropField(final JsonNode root) {
        final List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        for (final JsonNode container : containers) {
            if (container instanceof ObjectNode object && object.size() > 0 && random.nextBoolean()) {
                final Iterator<String> names = object.fieldNames();
                object.remove(names.next());
                break;
            }
        }
        return root;
    }

    private JsonNode repeat(final JsonNode tree) {
        final ArrayNode many = NODES.arrayNode();
        // Bounded, so that mutations of mutations stay bodies a test can hold (the routes' own limit is 10 MiB).
        final int size = Math.max(1, tree.toString().length());
        final int copies = Math.min(2 + random.nextInt(random.nextInt(10) == 0 ? 3_000 : 20), Math.max(1, MAX_BYTES / size));
        for (int i = 0; i < copies; i++) {
            many.add(tree);
        }
        return many;
    }

    private static void collect(final JsonNode node, final List<JsonNode> containers) {
        if (node.isContainerNode() && node.size() > 0) {
            containers.add(node);
            node.forEach(child -> collect(child, containers));
        }
    }

    private byte[] flipBytes(final byte[] body) {
        final byte[] flipped = body.clone();
        final int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips && flipped.length > 0; i++) {
            flipped[random.nextInt(flipped.length)] = (byte) random.nextInt(256);
        }
        return flipped;
    }

    private byte[] cut(final byte[] body) {
        return java.util.Arrays.copyOf(body, body.length == 0 ? 0 : random.nextInt(body.length));
    }

    private byte[] reencode(final byte[] body) {
        final String text = new String(body, StandardCharsets.UTF_8);
        return switch (random.nextInt(4)) {
            case 0 -> text.getBytes(StandardCharsets.UTF_16LE);
            case 1 -> text.getBytes(StandardCharsets.UTF_16);
            case 2 -> text.getBytes(java.nio.charset.Charset.forName("UTF-32"));
            default -> text.getBytes(StandardCharsets.ISO_8859_1);
        };
    }

    private static JsonNode parse(final byte[] body) {
        try {
            return JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (Exception notJson) {
            return null;
        }
    }

    private static byte[] json(final JsonNode tree) {
        return tree.toString().getBytes(StandardCharsets.UTF_8);
    }
}
