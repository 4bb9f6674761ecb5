package vtc.loaders.tokenizer;

/**
 * A token matched verbatim in the input text before any normalization, such as {@code <image>} or
 * {@code </s>}, with the flags of Hugging Face's {@code AddedToken}: {@code lstrip}/{@code rstrip}
 * swallow the whitespace on that side, {@code singleWord} only matches when no word character
 * touches it, and {@code special} tokens are left out by decode(ids, skipSpecialTokens = true).
 */
record AddedToken(int id, String content, boolean special, boolean lstrip, boolean rstrip, boolean singleWord) {
}
