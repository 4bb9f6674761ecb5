package vtc.loaders.tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import vtc.loaders.LoadException;
import vtc.loaders.tokenizer.SentencePieceModel.Piece;
import vtc.loaders.tokenizer.SentencePieceModel.PieceType;

/**
 * SentencePiece's BPE encoder for one stretch of text. The text is normalized (dummy {@code ▁}
 * prefix, spaces escaped as {@code ▁}), split into characters (user-defined pieces kept whole),
 * and then the adjacent pair whose concatenation is a piece with the highest score is merged,
 * leftmost first on ties, until no pair forms a piece. A piece SentencePiece marks UNUSED is split
 * back into the two halves it was merged from. Symbols that are not pieces become their UTF-8
 * bytes ({@code <0xNN>}) with byte fallback, else one unknown token per run.
 */
final class SentencePieceBpe {

    private record Symbol(String text, boolean frozen) {
    }

    /** Pieces a merge may produce: NORMAL, USER_DEFINED and UNUSED (SentencePiece's "pieces_"). */
    private final Map<String, Integer> mergeable = new HashMap<>();
    /** CONTROL, UNKNOWN and BYTE pieces: found by exact lookup only. */
    private final Map<String, Integer> reserved = new HashMap<>();
    private final List<String> userDefined = new ArrayList<>();
    private final List<Piece> pieces;
    private final SentencePieceModel model;

    SentencePieceBpe(Path file, SentencePieceModel model) {
        this.model = model;
        this.pieces = model.pieces();
        for (int id = 0; id < pieces.size(); id++) {
            Piece p = pieces.get(id);
            boolean isMergeable = p.type() == PieceType.NORMAL || p.type() == PieceType.USER_DEFINED
                    || p.type() == PieceType.UNUSED;
            if ((isMergeable ? mergeable : reserved).putIfAbsent(p.text(), id) != null) {
                throw new LoadException(file, "SentencePiece piece '" + p.text() + "' appears twice");
            }
            if (p.type() == PieceType.USER_DEFINED) {
                userDefined.add(p.text());
            }
        }
        userDefined.sort(Comparator.comparingInt(String::length).reversed());
        checkSpecialPieces(file);
    }

    private void checkSpecialPieces(Path file) {
        int unk = model.unkId();
        if (unk < 0 || unk >= pieces.size() || pieces.get(unk).type() != PieceType.UNKNOWN) {
            throw new LoadException(file, "TrainerSpec.unk_id " + unk + " is not an UNKNOWN piece");
        }
        if (model.byteFallback()) {
            for (int b = 0; b < 256; b++) {
                Integer id = reserved.get(bytePiece(b));
                if (id == null || pieces.get(id).type() != PieceType.BYTE) {
                    throw new LoadException(file, "byte_fallback is on but byte piece " + bytePiece(b) + " is missing");
                }
            }
        }
    }

    private static String bytePiece(int b) {
        return String.format("<0x%02X>", b);
    }

    void encode(String text, IntConsumer out) {
        String normalized = normalize(text);
        Map<String, Symbol[]> unmerge = new HashMap<>();
        List<Symbol> merged = PairMerger.mergeAll(characters(normalized), (left, right) -> {
            if (left.frozen() || right.frozen()) {
                return null;
            }
            String joined = left.text() + right.text();
            Integer id = mergeable.get(joined);
            if (id == null) {
                return null;
            }
            if (pieces.get(id).type() == PieceType.UNUSED) {
                unmerge.put(joined, new Symbol[] {left, right});
            }
            return new PairMerger.Merge<>(-pieces.get(id).score(), new Symbol(joined, false));
        });
        boolean[] lastWasUnknown = {false};
        for (Symbol s : merged) {
            emit(s.text(), unmerge, out, lastWasUnknown);
        }
    }

    /** SentencePiece's normalizer for the identity rule set: whitespace handling only. */
    private String normalize(String text) {
        String s = model.removeExtraWhitespaces() ? text.replaceAll("^ +| +$", "").replaceAll(" +", " ") : text;
        if (s.isEmpty()) {
            return s;
        }
        if (model.addDummyPrefix()) {
            s = " " + s;
        }
        return model.escapeWhitespaces() ? s.replace(" ", "▁") : s;
    }

    private List<Symbol> characters(String s) {
        List<Symbol> symbols = new ArrayList<>(s.length());
        for (int i = 0; i < s.length(); ) {
            String user = userDefinedAt(s, i);
            String unit = user != null ? user : s.substring(i, i + Character.charCount(s.codePointAt(i)));
            symbols.add(new Symbol(unit, user != null));
            i += unit.length();
        }
        return symbols;
    }

    private String userDefinedAt(String s, int i) {
        for (String piece : userDefined) {
            if (s.startsWith(piece, i)) {
                return piece;
            }
        }
        return null;
    }

    private void emit(String text, Map<String, Symbol[]> unmerge, IntConsumer out, boolean[] lastWasUnknown) {
        Symbol[] halves = unmerge.get(text);
        if (halves != null) {
            emit(halves[0].text(), unmerge, out, lastWasUnknown);
            emit(halves[1].text(), unmerge, out, lastWasUnknown);
            return;
        }
        Integer id = mergeable.containsKey(text) ? mergeable.get(text) : reserved.get(text);
        if (id != null && id != model.unkId()) {
            out.accept(id);
            lastWasUnknown[0] = false;
        } else if (model.byteFallback()) {
            for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                out.accept(reserved.get(bytePiece(b & 0xff)));
            }
            lastWasUnknown[0] = false;
        } else if (!lastWasUnknown[0]) {
            out.accept(model.unkId());
            lastWasUnknown[0] = true;
        }
    }
}
