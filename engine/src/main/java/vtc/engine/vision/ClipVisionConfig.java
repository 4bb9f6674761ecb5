package vtc.engine.vision;

/**
 * Shape and constants of a CLIP vision tower (HF {@code CLIPVisionConfig}). Loaders fill the
 * Hugging Face defaults for omitted fields. Only what the engine computes can be built: the
 * quick_gelu activation, positive sizes, heads that split the width, patches that tile the image.
 */
public record ClipVisionConfig(
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int imageSize,
        int patchSize,
        int numChannels,
        String hiddenAct,
        double layerNormEps) {

    public ClipVisionConfig {
        if (!"quick_gelu".equals(hiddenAct)) {
            throw new IllegalArgumentException("hidden_act is \"" + hiddenAct + "\"; the CLIP tower computes quick_gelu only");
        }
        requirePositive("hidden_size", hiddenSize);
        requirePositive("intermediate_size", intermediateSize);
        requirePositive("num_hidden_layers", numHiddenLayers);
        requirePositive("num_attention_heads", numAttentionHeads);
        requirePositive("image_size", imageSize);
        requirePositive("patch_size", patchSize);
        requirePositive("num_channels", numChannels);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " does not split into num_attention_heads "
                    + numAttentionHeads);
        }
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("image_size " + imageSize + " is not a multiple of patch_size " + patchSize);
        }
    }

    private static void requirePositive(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be at least 1, got " + value);
        }
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** Patches per side: the image is a {@code gridSize × gridSize} raster of patches. */
    public int gridSize() {
        return imageSize / patchSize;
    }

    /** N, the number of patch tokens (the [CLS] token is one more). */
    public int numPatches() {
        return gridSize() * gridSize();
    }
}
