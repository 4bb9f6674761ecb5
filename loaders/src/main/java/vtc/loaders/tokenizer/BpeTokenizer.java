package vtc.loaders.tokenizer;

import java.util.BitSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import vtc.engine.llava.InvalidRequestException;

/**
 * The tokenizer both file formats load into: added tokens are cut out of the text first, each
 * stretch of text between them goes through the format's own {@link TextEncoder}, and BOS/EOS are
 * put around the result when the settings ask for them.
 */
final class BpeTokenizer implements Tokenizer {

    /** Encodes one stretch of text that contains no added token. */
    interface TextEncoder {
        /** @param atTextStart whether the stretch begins at the very start of the input */
        void encode(String text, boolean atTextStart, IntConsumer out);
    }

    private final Vocabulary vocabulary;
    private final AddedTokenSplitter splitter;
    private final TextEncoder textEncoder;
    private final TextDecoder decoder;
    private final int bosId;
    private final int eosId;
    private final boolean addBos;
    private final boolean addEos;
    private final boolean textEncoderKeepsEveryCharacter;

    /**
     * @param textEncoderKeepsEveryCharacter false when the encoder may drop a character without a
     *                                       token (a tokenizer.json with neither unknown token nor byte
     *                                       fallback, or whose normalizer deletes text)
     */
    BpeTokenizer(Vocabulary vocabulary, AddedTokenSplitter splitter, TextEncoder textEncoder, TextDecoder decoder,
                 int bosId, int eosId, boolean addBos, boolean addEos, boolean textEncoderKeepsEveryCharacter) {
        this.vocabulary = vocabulary;
        this.splitter = splitter;
        this.textEncoder = textEncoder;
        this.decoder = decoder;
        this.bosId = bosId;
        this.eosId = eosId;
        this.addBos = addBos;
        this.addEos = addEos;
        this.textEncoderKeepsEveryCharacter = textEncoderKeepsEveryCharacter;
    }

    @Override
    public int[] encode(String text) {
        return encode(text, new BitSet());
    }

    @Override
    public int[] encode(List<Segment> segments, int maxTokens) {
        StringBuilder text = new StringBuilder();
        BitSet literal = new BitSet();
        for (Segment segment : segments) {
            if (segment.literal()) {
                literal.set(text.length(), text.length() + segment.text().length());
            }
            text.append(segment.text());
        }
        requireRoom(text.toString(), maxTokens);
        return encode(text.toString(), literal);
    }

    /** @param literal the characters where no added token may match */
    private int[] encode(String text, BitSet literal) {
        checkWellFormed(text);
        IntStream.Builder ids = IntStream.builder();
        if (addBos) {
            ids.add(bosId);
        }
        for (AddedTokenSplitter.Span span : splitter.split(text, literal)) {
            if (span.isToken()) {
                ids.add(span.tokenId());
            } else {
                textEncoder.encode(span.text(), span.start() == 0, ids::add);
            }
        }
        if (addEos) {
            ids.add(eosId);
        }
        return ids.build().toArray();
    }

    /** A lone surrogate has no UTF-8 form, so it cannot be tokenized (Java would silently write '?'). */
    private static void checkWellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidRequestException(String.format("the prompt text has a lone surrogate U+%04X at "
                        + "character %d; text must be valid Unicode (surrogates only in pairs)", (int) c, i));
            }
        }
    }

    @Override
    public int[] encode(String text, int maxTokens) {
        requireRoom(text, maxTokens);
        return encode(text);
    }

    /** Refuses a text that certainly yields more than {@code maxTokens} ids, before tokenizing it. */
    private void requireRoom(String text, int maxTokens) {
        long atLeast = minimumTokens(text);
        if (atLeast > maxTokens) {
            throw new InvalidRequestException("the prompt text has " + text.length() + " characters, at least "
                    + atLeast + " tokens, more than the " + Math.max(maxTokens, 0)
                    + " the model's context leaves for it; refused before tokenizing");
        }
    }

    /**
     * A lower bound on the ids of {@code text}: every character that is not whitespace survives
     * normalization and lies inside one token, whose string is at most {@link Vocabulary#longestPiece}
     * characters (plus a prefix {@code ▁}). Whitespace is left out: SentencePiece may collapse it, and
     * a tokenizer that drops unknown characters (no unknown token, no byte fallback) gets no bound.
     */
    long minimumTokens(String text) {
        if (!textEncoderKeepsEveryCharacter) {
            return 0;
        }
        long kept = 0;
        for (int i = 0; i < text.length(); i++) {
            kept += Character.isWhitespace(text.charAt(i)) ? 0 : 1;
        }
        int perToken = vocabulary.longestPiece() + 1;
        return (kept + perToken - 1) / perToken;
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        return decoder.decode(ids, skipSpecialTokens);
    }

    @Override
    public String piece(int id) {
        return vocabulary.piece(id);
    }

    @Override
    public int vocabSize() {
        return vocabulary.size();
    }

    @Override
    public int bosId() {
        return bosId;
    }

    @Override
    public int eosId() {
        return eosId;
    }

    @Override
    public OptionalInt tokenId(String piece) {
        return vocabulary.id(piece);
    }

    @Override
    public boolean isSpecial(int id) {
        return vocabulary.isSpecial(id);
    }

    @Override
    public StreamingDecoder streamingDecoder(boolean skipSpecialTokens) {
        return new StreamingDecoder(decoder, skipSpecialTokens);
    }
}
