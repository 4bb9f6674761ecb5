package vtc.loaders.config;

import java.nio.file.Path;
import vtc.engine.llava.LlavaConfig;
import vtc.engine.llava.PromptTemplate;
import vtc.loaders.image.PreprocessorConfig;
import vtc.loaders.image.PreprocessorConfigException;
import vtc.loaders.tokenizer.Tokenizer;

/**
 * What must agree between the files of one model directory, each valid on its own: checked once
 * at load, so that a mismatch is reported naming both files instead of failing (or silently
 * answering wrongly) in every request.
 */
public final class ConsistentModelFiles {

    private ConsistentModelFiles() {
    }

    /**
     * @throws ConfigException             if config.json's image token is not the tokenizer's {@code <image>}
     * @throws PreprocessorConfigException if the crop is not the vision tower's image size
     */
    public static void check(Path modelDir, LlavaConfig config, Tokenizer tokenizer, PreprocessorConfig preprocessor) {
        checkImageToken(modelDir.resolve(LlavaConfigLoader.FILE_NAME), config.imageTokenIndex(), tokenizer);
        int towerSize = config.vision().imageSize();
        if (preprocessor.cropSize() != towerSize) {
            throw new PreprocessorConfigException(modelDir.resolve("preprocessor_config.json"), "crop_size is "
                    + preprocessor.cropSize() + " but the vision tower of config.json takes " + towerSize + "×"
                    + towerSize + " images (vision_config.image_size); every request would fail");
        }
    }

    /**
     * The image token is found in the prompt by its id: if that id is BOS, EOS or another token, the
     * image would be spliced in at the wrong place (or at every occurrence of a word).
     */
    private static void checkImageToken(Path configFile, int imageToken, Tokenizer tokenizer) {
        String placeholder = PromptTemplate.IMAGE_PLACEHOLDER;
        boolean inTokenizer = imageToken < tokenizer.vocabSize();
        String role = imageToken == tokenizer.bosId() ? " (BOS)" : imageToken == tokenizer.eosId() ? " (EOS)" : "";
        if (!role.isEmpty() || inTokenizer && !tokenizer.piece(imageToken).equals(placeholder)) {
            String tokenizerImage = tokenizer.tokenId(placeholder).isPresent()
                    ? "the tokenizer's " + placeholder + " is id " + tokenizer.tokenId(placeholder).getAsInt()
                    : "the tokenizer has no " + placeholder + " token";
            throw new ConfigException(configFile, "image_token_index " + imageToken + " is the tokenizer's token '"
                    + tokenizer.piece(imageToken) + "'" + role + ", not " + placeholder + "; " + tokenizerImage);
        }
    }
}
