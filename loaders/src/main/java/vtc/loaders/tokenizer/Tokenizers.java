package vtc.loaders.tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import vtc.loaders.LoadException;

/** Loads the tokenizer of a Hugging Face model directory. */
public final class Tokenizers {

    private Tokenizers() {
    }

    /**
     * The tokenizer of {@code modelDir}: {@code tokenizer.json} when present, otherwise
     * {@code tokenizer.model}; {@code tokenizer_config.json}, {@code special_tokens_map.json} and
     * {@code added_tokens.json} supply BOS/EOS handling and added tokens.
     *
     * @throws LoadException if there is no tokenizer file or it cannot be used
     */
    public static Tokenizer load(Path modelDir) {
        if (Files.isRegularFile(modelDir.resolve("tokenizer.json"))) {
            return loadTokenizerJson(modelDir);
        }
        if (Files.isRegularFile(modelDir.resolve("tokenizer.model"))) {
            return loadSentencePiece(modelDir);
        }
        throw new LoadException(modelDir, "no tokenizer.json or tokenizer.model in the model directory");
    }

    /** The tokenizer of {@code modelDir/tokenizer.json} (Hugging Face fast tokenizer). */
    public static Tokenizer loadTokenizerJson(Path modelDir) {
        return HfTokenizerFile.load(modelDir.resolve("tokenizer.json"), TokenizerSettings.read(modelDir));
    }

    /** The tokenizer of {@code modelDir/tokenizer.model} (SentencePiece). */
    public static Tokenizer loadSentencePiece(Path modelDir) {
        return SentencePieceFile.load(modelDir.resolve("tokenizer.model"), TokenizerSettings.read(modelDir));
    }
}
