package vtc.loaders.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts input text at the added tokens ({@code <image>}, {@code </s>}, …) before anything else
 * happens to it. At each position the longest added token that matches wins (leftmost-longest),
 * so an added token is never split and the text between two of them is tokenized on its own.
 */
final class AddedTokenSplitter {

    /** A stretch of input: either plain text starting at {@code start}, or one added token. */
    record Span(int start, String text, int tokenId) {
        boolean isToken() {
            return tokenId >= 0;
        }
    }

    /** Added tokens by their first character, longest first. */
    private final Map<Character, List<AddedToken>> byFirstChar = new HashMap<>();

    AddedTokenSplitter(List<AddedToken> tokens) {
        for (AddedToken token : tokens) {
            if (!token.content().isEmpty()) {
                byFirstChar.computeIfAbsent(token.content().charAt(0), c -> new ArrayList<>()).add(token);
            }
        }
        byFirstChar.values().forEach(list ->
                list.sort(Comparator.comparingInt((AddedToken t) -> t.content().length()).reversed()));
    }

    /** Splits text that is all markup: every added token matches. */
    List<Span> split(String text) {
        return split(text, new BitSet());
    }

    /** @param literal characters that are plain text: no added token may cover any of them */
    List<Span> split(String text, BitSet literal) {
        List<Span> spans = new ArrayList<>();
        int textStart = 0;
        int pos = 0;
        while (pos < text.length()) {
            AddedToken token = literal.get(pos) ? null : longestMatch(text, pos, literal);
            if (token == null) {
                pos++;
                continue;
            }
            int start = pos;
            int end = pos + token.content().length();
            if (token.lstrip()) {
                while (start > textStart && isWhitespace(text.charAt(start - 1))) {
                    start--;
                }
            }
            if (token.rstrip()) {
                while (end < text.length() && isWhitespace(text.charAt(end))) {
                    end++;
                }
            }
            addText(spans, text, textStart, start);
            spans.add(new Span(start, token.content(), token.id()));
            textStart = end;
            pos = end;
        }
        addText(spans, text, textStart, text.length());
        return spans;
    }

    private static void addText(List<Span> spans, String text, int start, int end) {
        if (end > start) {
            spans.add(new Span(start, text.substring(start, end), -1));
        }
    }

    /** The longest added token at {@code pos}, or null; a single-word token touching a word is no match. */
    private AddedToken longestMatch(String text, int pos, BitSet literal) {
        List<AddedToken> candidates = byFirstChar.get(text.charAt(pos));
        if (candidates == null) {
            return null;
        }
        for (AddedToken token : candidates) {
            if (text.startsWith(token.content(), pos)) {
                int end = pos + token.content().length();
                int nextLiteral = literal.nextSetBit(pos);
                if (nextLiteral >= 0 && nextLiteral < end) {
                    continue;
                }
                boolean touchesWord = (pos > 0 && isWordChar(text.charAt(pos - 1)))
                        || (end < text.length() && isWordChar(text.charAt(end)));
                return token.singleWord() && touchesWord ? null : token;
            }
        }
        return null;
    }

    /** Unicode White_Space, as Rust's char::is_whitespace used by Hugging Face tokenizers. */
    private static boolean isWhitespace(char c) {
        return (c >= '\t' && c <= '\r') || c == '\u0085' || Character.isSpaceChar(c);
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
