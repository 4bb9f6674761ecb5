package vtc.tools;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/** How a generated answer is judged: POPE's yes/no reading and normalised exact match. */
final class AnswerScoring {

    private static final Set<String> ARTICLES = Set.of("a", "an", "the");

    private AnswerScoring() {
    }

    /**
     * POPE's rule (as in LLaVA's evaluation script): only the first sentence counts, and it is a
     * "no" if it contains the word "no" or "not", otherwise a "yes".
     */
    static boolean saysYes(String answer) {
        String first = answer.strip().split("\\.", 2)[0];
        return Arrays.stream(words(first)).noneMatch(w -> w.equals("no") || w.equals("not"));
    }

    /** Lower case, punctuation removed, articles dropped, whitespace collapsed. */
    static String normalize(String text) {
        return String.join(" ", Arrays.stream(words(text)).filter(w -> !ARTICLES.contains(w)).toList());
    }

    private static String[] words(String text) {
        String cleaned = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\s]", " ").strip();
        return cleaned.isEmpty() ? new String[0] : cleaned.split("\\s+");
    }
}
