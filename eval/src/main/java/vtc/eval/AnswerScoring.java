package vtc.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** How a generated answer is judged: POPE's yes/no reading and normalised exact match. */
public final class AnswerScoring {

    private static final Set<String> ARTICLES = Set.of("a", "an", "the");
    private static final List<String> POPE_NEGATIONS = List.of("No", "not", "no");

    private AnswerScoring() {
    }

    /**
     * POPE's reading of an answer, word for word the rule of LLaVA's {@code eval_pope.py}, so that
     * the figures {@code vtc eval} prints equal the ones that script prints for the same answers
     * file: only the text before the first full stop counts, commas are dropped, the rest is split
     * at single spaces, and it is a "no" if one of the pieces is exactly {@code No}, {@code no} or
     * {@code not}. Its quirks are kept on purpose: "Not really" and "NO" read as "yes", and so does
     * "No!" (the piece is "No!").
     */
    public static boolean saysYes(String answer) {
        String first = answer;
        int stop = first.indexOf('.');
        if (stop >= 0) {
            first = first.substring(0, stop);
        }
        List<String> words = Arrays.asList(first.replace(",", "").split(" ", -1));
        return POPE_NEGATIONS.stream().noneMatch(words::contains);
    }

    /** Lower case, punctuation removed, articles dropped, whitespace collapsed. */
    public static String normalize(String text) {
        String cleaned = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\s]", " ").strip();
        if (cleaned.isEmpty()) {
            return "";
        }
        return String.join(" ", Arrays.stream(cleaned.split("\\s+")).filter(w -> !ARTICLES.contains(w)).toList());
    }

    /** Whether {@code answer} matches {@code expected} after {@link #normalize}. */
    public static boolean exactMatch(String answer, String expected) {
        return normalize(answer).equals(normalize(expected));
    }
}
