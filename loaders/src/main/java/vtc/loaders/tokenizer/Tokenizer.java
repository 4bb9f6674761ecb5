package vtc.loaders.tokenizer;

import java.util.List;
import java.util.OptionalInt;

/**
 * Text to token ids and back, with the semantics of the model's Hugging Face tokenizer: a BOS id
 * in front when the model adds one, added tokens such as {@code <image>} matched verbatim and never
 * split, and every stretch of text between two added tokens tokenized on its own (so each gets its
 * own {@code ▁} dummy prefix in the legacy Llama form).
 */
public interface Tokenizer {

    /** The ids of {@code text}, with BOS (and EOS) added when the model's settings say so. */
    int[] encode(String text);

    /**
     * A stretch of input text: template markup, whose added tokens ({@code <image>}, {@code </s>})
     * are control tokens, or literal text (what a user typed), in which they are plain characters.
     */
    record Segment(String text, boolean literal) {
    }

    /**
     * The ids of the segments' concatenation, with added tokens matched only inside markup
     * segments. Segment boundaries do not cut the text otherwise, so when the literal segments
     * hold no added token the ids equal {@code encode} of the concatenation. Refused before
     * tokenizing as {@link #encode(String, int)} when certainly longer than {@code maxTokens}.
     */
    int[] encode(List<Segment> segments, int maxTokens);

    /**
     * Like {@link #encode(String)}, but a text that certainly yields more than {@code maxTokens}
     * ids is refused before it is tokenized: a token covers at most as many characters as the
     * longest string in the vocabulary, so the text's length gives a lower bound at the cost of one
     * scan. The exact count is still for the caller to check.
     *
     * @throws vtc.engine.llava.InvalidRequestException if the text is certainly too long
     */
    int[] encode(String text, int maxTokens);

    /**
     * The text of {@code ids}. Byte-fallback tokens are joined into UTF-8; bytes that are not valid
     * UTF-8 become U+FFFD as the file's reference does (tokenizer.json: every byte of the run;
     * tokenizer.model: each byte that starts no character). An id outside the vocabulary decodes to
     * nothing, as in Hugging Face (a model may have more embedding rows than the tokenizer has tokens).
     */
    String decode(int[] ids, boolean skipSpecialTokens);

    /** The vocabulary string of {@code id} (e.g. {@code "▁the"}, {@code "<0x0A>"}, {@code "<image>"}). */
    String piece(int id);

    /** The number of ids, added tokens included (ids are 0 .. vocabSize()-1). */
    int vocabSize();

    /** The beginning-of-sequence id, or -1 if the tokenizer has none. */
    int bosId();

    /** The end-of-sequence id, or -1 if the tokenizer has none. */
    int eosId();

    /** The id of a vocabulary string, if there is one. */
    OptionalInt tokenId(String piece);

    /** Whether {@code id} is a special token (left out by {@code decode(ids, true)}). */
    boolean isSpecial(int id);

    /** A decoder fed one id at a time, as ids come out of generation. */
    StreamingDecoder streamingDecoder(boolean skipSpecialTokens);
}
