package vtc.loaders.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Ids back to text, the way the model's reference tokenizer does it: each token's string has the
 * meta symbol {@code ▁} turned back into a space, consecutive byte-fallback tokens ({@code <0xNN>})
 * are joined and read as UTF-8 by the format's {@link ByteRuns} rule, everything is concatenated,
 * and finally up to {@code leadingSpacesToStrip} spaces are removed from the start (the dummy prefix
 * the encoder added). An id past the tokenizer's vocabulary decodes to nothing, as in Hugging Face:
 * models often have more embedding rows than their tokenizer has tokens (llava-1.5-7b: 32064 and 32002).
 *
 * @param metaSymbol the string replaced by a space in every token, or null for none
 * @param byteFallback whether {@code <0xNN>} tokens stand for bytes
 */
record TextDecoder(Vocabulary vocabulary, String metaSymbol, boolean byteFallback, ByteRuns byteRuns,
                   int leadingSpacesToStrip) {

    /** How a run of byte tokens that is not valid UTF-8 is shown. */
    enum ByteRuns {
        /** Hugging Face's ByteFallback decoder ({@code tokenizer.json}): one U+FFFD per byte of the whole run. */
        WHOLE_RUN,
        /** SentencePiece ({@code tokenizer.model}): valid characters kept, one U+FFFD per byte that starts none. */
        PER_CHARACTER
    }

    String decode(int[] ids, boolean skipSpecialTokens) {
        StringBuilder text = new StringBuilder();
        ByteArrayOutputStream byteRun = new ByteArrayOutputStream();
        for (int id : ids) {
            if (!vocabulary.contains(id) || skipSpecialTokens && vocabulary.isSpecial(id)) {
                continue;
            }
            int b = byteOf(id);
            if (b >= 0) {
                byteRun.write(b);
            } else {
                text.append(textOfByteRun(byteRun.toByteArray())).append(textOf(id));
                byteRun.reset();
            }
        }
        text.append(textOfByteRun(byteRun.toByteArray()));
        int strip = 0;
        while (strip < leadingSpacesToStrip && strip < text.length() && text.charAt(strip) == ' ') {
            strip++;
        }
        return text.substring(strip);
    }

    /** The byte an id stands for, or -1 if it is not a byte-fallback token. */
    int byteOf(int id) {
        return byteFallback ? vocabulary.byteValue(id) : -1;
    }

    /** The text of a token that is not a byte; nothing for an id past the vocabulary. */
    String textOf(int id) {
        if (!vocabulary.contains(id)) {
            return "";
        }
        String piece = vocabulary.piece(id);
        return metaSymbol == null ? piece : piece.replace(metaSymbol, " ");
    }

    /** The text of a run of consecutive byte tokens, by this format's rule. */
    String textOfByteRun(byte[] bytes) {
        if (bytes.length == 0) {
            return "";
        }
        return byteRuns == ByteRuns.WHOLE_RUN ? wholeRun(bytes) : perCharacter(bytes);
    }

    /**
     * The run's UTF-8 reading if the whole run is valid, otherwise one replacement character per
     * byte (Hugging Face's rule, unlike the usual "one U+FFFD per bad sequence" of UTF-8 decoders).
     */
    private static String wholeRun(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return "\uFFFD".repeat(bytes.length);
        }
    }

    /**
     * SentencePiece's rule: at each byte, one well-formed UTF-8 character (shortest form, no
     * surrogate, at most U+10FFFF) is taken whole; a byte that starts none becomes one U+FFFD and
     * reading goes on at the next byte.
     */
    private static String perCharacter(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length);
        int i = 0;
        while (i < bytes.length) {
            int length = wellFormedLength(bytes, i);
            if (length == 0) {
                out.append('\uFFFD');
                i++;
            } else {
                out.append(new String(bytes, i, length, StandardCharsets.UTF_8));
                i += length;
            }
        }
        return out.toString();
    }

    /** The length of the well-formed UTF-8 character at {@code i}, or 0 if none starts there. */
    private static int wellFormedLength(byte[] b, int i) {
        int lead = b[i] & 0xff;
        int length = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : (lead & 0xF8) == 0xF0 ? 4 : 0;
        if (length <= 1 || i + length > b.length) {
            return length == 1 ? 1 : 0;
        }
        int codePoint = lead & (0xFF >> (length + 1));
        for (int k = 1; k < length; k++) {
            int trail = b[i + k] & 0xff;
            if ((trail & 0xC0) != 0x80) {
                return 0;
            }
            codePoint = (codePoint << 6) | (trail & 0x3F);
        }
        int shortest = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
        boolean valid = codePoint >= shortest && codePoint <= 0x10FFFF && (codePoint < 0xD800 || codePoint > 0xDFFF);
        return valid ? length : 0;
    }
}
