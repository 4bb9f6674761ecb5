package vtc.loaders.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The BPE model of a Hugging Face {@code tokenizer.json}: a word starts as one symbol per
 * character, and the merge with the lowest rank (its line in the merges list) present in the word
 * is applied until none is left. A character missing from the vocabulary becomes its UTF-8 bytes
 * as {@code <0xNN>} tokens when byte fallback is on, otherwise the unknown token (consecutive
 * unknowns fused into one when {@code fuseUnknown}), or nothing when there is no unknown token
 * (Hugging Face drops such a character without a word).
 *
 * @param vocab the model's vocabulary (added tokens are not part of it)
 * @param merges merge of (left id, right id), keyed by {@link #pairKey}, to (rank, merged id)
 * @param unknownId the unknown token's id, or -1 if the model has none
 * @param ignoreMerges whether a word that is itself in the vocabulary is taken whole
 */
record RankedBpe(Map<String, Integer> vocab, Map<Long, PairMerger.Merge<Integer>> merges, int unknownId,
                 boolean byteFallback, boolean fuseUnknown, boolean ignoreMerges) {

    /** Whether every character yields at least one token (else unknown ones are dropped). */
    boolean keepsEveryCharacter() {
        if (unknownId >= 0) {
            return true;
        }
        for (int b = 0; byteFallback && b < 256; b++) {
            if (!vocab.containsKey(String.format("<0x%02X>", b))) {
                return false;
            }
        }
        return byteFallback;
    }

    static long pairKey(int left, int right) {
        return ((long) left << 32) | (right & 0xffffffffL);
    }

    void encodeWord(String word, IntConsumer out) {
        Integer whole = ignoreMerges ? vocab.get(word) : null;
        if (whole != null) {
            out.accept(whole);
            return;
        }
        List<Integer> merged = PairMerger.mergeAll(characters(word),
                (left, right) -> merges.get(pairKey(left, right)));
        merged.forEach(out::accept);
    }

    /** The starting symbols: one id per character, or its bytes, or the unknown token. */
    private List<Integer> characters(String word) {
        List<Integer> symbols = new ArrayList<>(word.length());
        boolean lastWasUnknown = false;
        for (int i = 0; i < word.length(); ) {
            int codePoint = word.codePointAt(i);
            String character = word.substring(i, i + Character.charCount(codePoint));
            i += character.length();
            Integer id = vocab.get(character);
            List<Integer> bytes = id == null && byteFallback ? byteTokens(character) : null;
            if (id != null) {
                symbols.add(id);
            } else if (bytes != null) {
                symbols.addAll(bytes);
            } else if (unknownId >= 0 && !(fuseUnknown && lastWasUnknown)) {
                symbols.add(unknownId);
            }
            // With neither byte fallback nor an unknown token the character is dropped, as Hugging Face does.
            lastWasUnknown = id == null && bytes == null;
        }
        return symbols;
    }

    /** The {@code <0xNN>} ids of a character's UTF-8 bytes, or null if one is missing. */
    private List<Integer> byteTokens(String character) {
        List<Integer> ids = new ArrayList<>(4);
        for (byte b : character.getBytes(StandardCharsets.UTF_8)) {
            Integer id = vocab.get(String.format("<0x%02X>", b & 0xff));
            if (id == null) {
                return null;
            }
            ids.add(id);
        }
        return ids;
    }
}
