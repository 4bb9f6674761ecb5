package vtc.loaders.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The Metaspace pre-tokenizer of newer Llama {@code tokenizer.json} files: spaces become the meta
 * symbol {@code ▁}, a {@code ▁} is put in front unless the text already starts with one (always,
 * or only for text at the very start of the input with scheme "first"), and with {@code split}
 * the text is cut into words, each starting at a {@code ▁}.
 */
record Metaspace(String replacement, Scheme prependScheme, boolean split) {

    enum Scheme { ALWAYS, FIRST, NEVER }

    List<String> words(String text, boolean atTextStart) {
        String s = text.replace(" ", replacement);
        boolean prepend = prependScheme == Scheme.ALWAYS || (prependScheme == Scheme.FIRST && atTextStart);
        if (prepend && !s.startsWith(replacement)) {
            s = replacement + s;
        }
        if (!split) {
            return List.of(s);
        }
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int at = s.indexOf(replacement, 1); at > 0; at = s.indexOf(replacement, at + 1)) {
            words.add(s.substring(start, at));
            start = at;
        }
        words.add(s.substring(start));
        return words;
    }
}
