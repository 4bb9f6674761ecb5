package vtc.loaders.tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import vtc.loaders.LoadException;
import vtc.loaders.json.SmallFile;

/**
 * The parts of a SentencePiece {@code tokenizer.model} (a serialized {@code ModelProto}) that
 * encoding and decoding need. Field numbers and proto2 defaults follow sentencepiece_model.proto:
 * ModelProto {1 pieces, 2 trainer_spec, 3 normalizer_spec}; SentencePiece {1 piece, 2 score,
 * 3 type = NORMAL}; TrainerSpec {3 model_type = UNIGRAM, 24 treat_whitespace_as_suffix = false,
 * 35 byte_fallback = false, 40 unk_id = 0, 41 bos_id = 1, 42 eos_id = 2}; NormalizerSpec {1 name,
 * 2 precompiled_charsmap, 3 add_dummy_prefix = true, 4 remove_extra_whitespaces = true,
 * 5 escape_whitespaces = true}.
 */
record SentencePieceModel(List<Piece> pieces, int modelType, boolean byteFallback, int unkId, int bosId, int eosId,
                          boolean treatWhitespaceAsSuffix, String normalizerName, boolean hasPrecompiledCharsmap,
                          boolean addDummyPrefix, boolean removeExtraWhitespaces, boolean escapeWhitespaces) {

    static final int MODEL_TYPE_BPE = 2;
    /** Far above real files (Llama's is 500 KB, a 256k-piece model about 5 MB). */
    static final long MAX_BYTES = 64L << 20;

    /** SentencePiece.Type. */
    enum PieceType { NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE }

    record Piece(String text, float score, PieceType type) {
    }

    static SentencePieceModel read(Path file) {
        byte[] bytes = SmallFile.read(file, MAX_BYTES, "a tokenizer.model", LoadException::new);
        return parse(file, new ProtobufReader(file, bytes));
    }

    private static SentencePieceModel parse(Path file, ProtobufReader model) {
        var b = new Builder();
        while (model.hasMore()) {
            switch (model.nextField()) {
                case 1 -> b.pieces.add(piece(file, model.message("ModelProto.pieces"), b.pieces.size()));
                case 2 -> b.trainerSpec(model.message("ModelProto.trainer_spec"));
                case 3 -> b.normalizerSpec(model.message("ModelProto.normalizer_spec"));
                default -> model.skip();
            }
        }
        // Every section is optional in protobuf, but a tokenizer.model without them is a truncated
        // file far more often than a model that relies on the defaults: refuse it.
        if (b.pieces.isEmpty() || !b.hasTrainerSpec || !b.hasNormalizerSpec) {
            throw new LoadException(file, "SentencePiece model lacks "
                    + (b.pieces.isEmpty() ? "pieces" : !b.hasTrainerSpec ? "trainer_spec" : "normalizer_spec")
                    + " (truncated file?)");
        }
        return new SentencePieceModel(List.copyOf(b.pieces), b.modelType, b.byteFallback, b.unkId, b.bosId, b.eosId,
                b.treatWhitespaceAsSuffix, b.normalizerName, b.hasCharsmap, b.addDummyPrefix,
                b.removeExtraWhitespaces, b.escapeWhitespaces);
    }

    private static Piece piece(Path file, ProtobufReader in, int index) {
        String text = null;
        float score = 0;
        int type = 1;
        while (in.hasMore()) {
            switch (in.nextField()) {
                case 1 -> text = in.string("SentencePiece.piece");
                case 2 -> score = in.float32("SentencePiece.score");
                case 3 -> type = in.int32("SentencePiece.type");
                default -> in.skip();
            }
        }
        if (text == null || text.isEmpty()) {
            // SentencePiece itself refuses to load such a model ("piece must not be empty"); an empty
            // user-defined piece would match everywhere without consuming any text.
            throw new LoadException(file, "SentencePiece piece " + index + " has "
                    + (text == null ? "no string" : "an empty string"));
        }
        if (type < 1 || type > PieceType.values().length) {
            throw new LoadException(file, "SentencePiece piece " + index + " has unknown type " + type);
        }
        return new Piece(text, score, PieceType.values()[type - 1]);
    }

    /** Collects fields with their proto2 defaults while the message is read. */
    private static final class Builder {
        final List<Piece> pieces = new ArrayList<>();
        boolean hasTrainerSpec;
        boolean hasNormalizerSpec;
        int modelType = 1;
        boolean byteFallback;
        int unkId = 0;
        int bosId = 1;
        int eosId = 2;
        boolean treatWhitespaceAsSuffix;
        String normalizerName = "";
        boolean hasCharsmap;
        boolean addDummyPrefix = true;
        boolean removeExtraWhitespaces = true;
        boolean escapeWhitespaces = true;

        void trainerSpec(ProtobufReader in) {
            hasTrainerSpec = true;
            while (in.hasMore()) {
                switch (in.nextField()) {
                    case 3 -> modelType = in.int32("TrainerSpec.model_type");
                    case 24 -> treatWhitespaceAsSuffix = in.bool("TrainerSpec.treat_whitespace_as_suffix");
                    case 35 -> byteFallback = in.bool("TrainerSpec.byte_fallback");
                    case 40 -> unkId = in.int32("TrainerSpec.unk_id");
                    case 41 -> bosId = in.int32("TrainerSpec.bos_id");
                    case 42 -> eosId = in.int32("TrainerSpec.eos_id");
                    default -> in.skip();
                }
            }
        }

        void normalizerSpec(ProtobufReader in) {
            hasNormalizerSpec = true;
            while (in.hasMore()) {
                switch (in.nextField()) {
                    case 1 -> normalizerName = in.string("NormalizerSpec.name");
                    case 2 -> hasCharsmap = in.message("NormalizerSpec.precompiled_charsmap").hasMore();
                    case 3 -> addDummyPrefix = in.bool("NormalizerSpec.add_dummy_prefix");
                    case 4 -> removeExtraWhitespaces = in.bool("NormalizerSpec.remove_extra_whitespaces");
                    case 5 -> escapeWhitespaces = in.bool("NormalizerSpec.escape_whitespaces");
                    default -> in.skip();
                }
            }
        }
    }
}
