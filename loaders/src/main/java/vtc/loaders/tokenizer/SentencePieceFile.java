package vtc.loaders.tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import vtc.loaders.LoadException;
import vtc.loaders.tokenizer.SentencePieceModel.PieceType;

/**
 * Builds a tokenizer from a SentencePiece {@code tokenizer.model} the way the slow Hugging Face
 * LlamaTokenizer uses it: added and special tokens (from the settings files, plus the model's
 * CONTROL and UNKNOWN pieces) are matched verbatim, every stretch of text between them is encoded
 * by SentencePiece BPE with its own dummy prefix, and BOS is added unless the settings say otherwise.
 */
final class SentencePieceFile {

    private SentencePieceFile() {
    }

    static Tokenizer load(Path file, TokenizerSettings settings) {
        SentencePieceModel model = SentencePieceModel.read(file);
        refuseUnsupported(file, model);
        SentencePieceBpe bpe = new SentencePieceBpe(file, model);

        Map<Integer, String> pieces = new HashMap<>();
        Set<Integer> specialIds = new HashSet<>();
        List<AddedToken> added = new ArrayList<>(settings.addedTokens());
        for (int id = 0; id < model.pieces().size(); id++) {
            SentencePieceModel.Piece p = model.pieces().get(id);
            pieces.put(id, p.text());
            boolean special = p.type() == PieceType.CONTROL || p.type() == PieceType.UNKNOWN;
            int pieceId = id;
            if (special && added.stream().noneMatch(t -> t.id() == pieceId)) {
                specialIds.add(id);
                added.add(new AddedToken(id, p.text(), true, false, false, false, false));
            }
        }
        Vocabulary vocabulary = Vocabulary.assemble(file, pieces, specialIds, added);
        int bosId = idOf(vocabulary, settings.bosToken(), model.bosId());
        int eosId = idOf(vocabulary, settings.eosToken(), model.eosId());
        boolean addBos = settings.addBos() == null || settings.addBos();
        boolean addEos = settings.addEos() != null && settings.addEos();
        if (addBos && bosId < 0 || addEos && eosId < 0) {
            throw new LoadException(file, "BOS/EOS should be added but the model has no such token");
        }
        TextDecoder decoder = new TextDecoder(vocabulary, model.escapeWhitespaces() ? "▁" : null,
                model.byteFallback(), TextDecoder.ByteRuns.PER_CHARACTER, model.addDummyPrefix() ? 1 : 0);
        // The slow tokenizer looks for every added token in the raw text, whatever its normalized flag.
        return new BpeTokenizer(vocabulary, new AddedTokenSplitter(added),
                (text, atTextStart, out) -> bpe.encode(text, out), decoder, bosId, eosId, addBos, addEos, true);
    }

    private static void refuseUnsupported(Path file, SentencePieceModel model) {
        if (model.modelType() != SentencePieceModel.MODEL_TYPE_BPE) {
            throw new LoadException(file, "SentencePiece model_type " + model.modelType()
                    + " is not supported (only BPE = 2, as in Llama)");
        }
        if (model.hasPrecompiledCharsmap()) {
            throw new LoadException(file, "SentencePiece normalization rule '" + model.normalizerName()
                    + "' is not supported (only identity, as in Llama)");
        }
        if (model.treatWhitespaceAsSuffix()) {
            throw new LoadException(file, "treat_whitespace_as_suffix is not supported");
        }
    }

    /** The id of a token named in the settings, else the id the model's TrainerSpec gives. */
    private static int idOf(Vocabulary vocabulary, String name, int modelId) {
        if (name != null && vocabulary.id(name).isPresent()) {
            return vocabulary.id(name).getAsInt();
        }
        return modelId >= 0 && modelId < vocabulary.size() ? modelId : -1;
    }
}
