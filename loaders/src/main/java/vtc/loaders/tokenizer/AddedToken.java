package vtc.loaders.tokenizer;

/**
 * A token matched whole in the input text, such as {@code <image>} or {@code </s>}, with the flags
 * of Hugging Face's {@code AddedToken}: {@code lstrip}/{@code rstrip} swallow the whitespace on that
 * side, {@code singleWord} only matches when no word character touches it, {@code special} tokens
 * are left out by decode(ids, skipSpecialTokens = true), and a {@code normalized} token is looked
 * for in the normalized text (its own content normalized the same way) instead of the raw input.
 */
record AddedToken(int id, String content, boolean special, boolean lstrip, boolean rstrip, boolean singleWord,
                  boolean normalized) {

    /** Hugging Face's default: special tokens are matched on the raw text, other added tokens after normalization. */
    AddedToken(int id, String content, boolean special, boolean lstrip, boolean rstrip, boolean singleWord) {
        this(id, content, special, lstrip, rstrip, singleWord, !special);
    }

    /** The same token, looked for as {@code matched} (its normalized form). */
    AddedToken matching(String matched) {
        return new AddedToken(id, matched, special, lstrip, rstrip, singleWord, normalized);
    }
}
