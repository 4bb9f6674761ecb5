package vtc.loaders.tokenizer;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import vtc.loaders.LoadException;

/**
 * Every id of a tokenizer with its string, added tokens included, and which ids are special.
 * Built once by the loaders, which have already checked that ids are dense and strings unique.
 */
final class Vocabulary {

    private final String[] pieces;
    private final boolean[] special;
    private final Map<String, Integer> ids;
    private final int longestPiece;

    Vocabulary(String[] pieces, boolean[] special) {
        this.pieces = pieces;
        this.special = special;
        this.ids = new HashMap<>(pieces.length * 2);
        int longest = 0;
        for (int id = 0; id < pieces.length; id++) {
            ids.putIfAbsent(pieces[id], id);
            longest = Math.max(longest, pieces[id].length());
        }
        this.longestPiece = longest;
    }

    /**
     * The model's own pieces plus the added tokens (an added token takes over the id it names).
     * Ids must cover 0 .. max without gaps.
     */
    static Vocabulary assemble(Path file, Map<Integer, String> modelPieces, Set<Integer> modelSpecialIds,
                               Collection<AddedToken> added) {
        TreeMap<Integer, String> all = new TreeMap<>(modelPieces);
        Set<Integer> specialIds = new HashSet<>(modelSpecialIds);
        for (AddedToken token : added) {
            if (token.id() < 0) {
                throw new LoadException(file, "added token '" + token.content() + "' has negative id " + token.id());
            }
            all.put(token.id(), token.content());
            if (token.special()) {
                specialIds.add(token.id());
            } else {
                specialIds.remove(token.id());
            }
        }
        if (all.isEmpty() || all.firstKey() != 0 || all.lastKey() != all.size() - 1) {
            int gap = 0;
            while (all.containsKey(gap)) {
                gap++;
            }
            throw new LoadException(file, "token ids are not contiguous: no token has id " + gap);
        }
        String[] pieces = all.values().toArray(String[]::new);
        boolean[] special = new boolean[pieces.length];
        specialIds.forEach(id -> special[id] = true);
        return new Vocabulary(pieces, special);
    }

    /** The length in chars of the longest token string. */
    int longestPiece() {
        return longestPiece;
    }

    int size() {
        return pieces.length;
    }

    String piece(int id) {
        checkId(id);
        return pieces[id];
    }

    /** Whether {@code id} is a special token; an id outside the vocabulary is not. */
    boolean isSpecial(int id) {
        return contains(id) && special[id];
    }

    /** Whether {@code id} names a token; a model may have more ids than its tokenizer (llava-1.5-7b: 32064 vs 32002). */
    boolean contains(int id) {
        return id >= 0 && id < pieces.length;
    }

    OptionalInt id(String piece) {
        Integer id = ids.get(piece);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /**
     * The byte a byte-fallback token such as {@code <0x0A>} stands for, or -1 for any other token.
     * Like the ByteFallback decoder, this looks at the token's string only.
     */
    int byteValue(int id) {
        if (!contains(id)) {
            return -1;
        }
        String p = pieces[id];
        if (p.length() != 6 || !p.startsWith("<0x") || p.charAt(5) != '>') {
            return -1;
        }
        int high = Character.digit(p.charAt(3), 16);
        int low = Character.digit(p.charAt(4), 16);
        return high < 0 || low < 0 ? -1 : high * 16 + low;
    }

    private void checkId(int id) {
        if (id < 0 || id >= pieces.length) {
            throw new IllegalArgumentException(
                    "token id " + id + " is outside the vocabulary (" + pieces.length + " ids)");
        }
    }
}
