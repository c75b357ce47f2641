package io.sessionlog.ingest.format;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;


/**
 * Bodies are UTF-8 (RFC 8259 §8.1), strictly: Jackson would guess UTF-16 or UTF-32 from NUL bytes, and lets overlong
 * forms through, so two different byte strings could name the same session. JSON text never holds a raw NUL, so a NUL
 * byte means another encoding.
 */
final class Utf8 {

    private Utf8() {
    }

    static void check(final byte[] body) {
        for (final byte b : body) {
            if (b == 0) {
                throw notUtf8("it holds NUL bytes (UTF-16 or UTF-32?)");
            }
        }
        final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        final ByteBuffer in = ByteBuffer.wrap(body);
        final CharBuffer out = CharBuffer.allocate(8192);
        try {
            while (true) {
                final CoderResult result = decoder.decode(in, out, true);
                if (result.isError()) {
                    result.throwException();
                }
                out.clear();
                if (result.isUnderflow()) {
                    break;
                }
            }
        } catch (CharacterCodingException e) {
            throw notUtf8("byte " + in.position() + " starts no valid UTF-8 sequence");
        }
    }

    private static InvalidInputException notUtf8(final String why) {
        return new InvalidInputException("the body is not UTF-8: " + why, List.of(new FieldError(0, "body", "is not UTF-8: " + why)), 0);
    }
}
