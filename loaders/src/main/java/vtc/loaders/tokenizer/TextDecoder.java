package vtc.loaders.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Ids back to text, the way the Llama decoder chain of Hugging Face tokenizers does it:
 * each token's string has the meta symbol {@code ▁} turned back into a space, consecutive
 * byte-fallback tokens ({@code <0xNN>}) are joined and read as UTF-8 (a run that is not valid UTF-8
 * as a whole becomes one U+FFFD per byte), everything is concatenated, and finally up to
 * {@code leadingSpacesToStrip} spaces are removed from the start (the dummy prefix the encoder added).
 *
 * @param metaSymbol the string replaced by a space in every token, or null for none
 * @param byteFallback whether {@code <0xNN>} tokens stand for bytes
 */
record TextDecoder(Vocabulary vocabulary, String metaSymbol, boolean byteFallback, int leadingSpacesToStrip) {

    String decode(int[] ids, boolean skipSpecialTokens) {
        StringBuilder text = new StringBuilder();
        ByteArrayOutputStream byteRun = new ByteArrayOutputStream();
        for (int id : ids) {
            if (skipSpecialTokens && vocabulary.isSpecial(id)) {
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

    /** The text of a token that is not a byte. */
    String textOf(int id) {
        String piece = vocabulary.piece(id);
        return metaSymbol == null ? piece : piece.replace(metaSymbol, " ");
    }

    /**
     * The text of a run of consecutive byte tokens: its UTF-8 reading if the whole run is valid,
     * otherwise one replacement character per byte (Hugging Face's ByteFallback rule, which
     * differs from the usual "one U+FFFD per bad sequence" of UTF-8 decoders).
     */
    static String textOfByteRun(byte[] bytes) {
        if (bytes.length == 0) {
            return "";
        }
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
}
