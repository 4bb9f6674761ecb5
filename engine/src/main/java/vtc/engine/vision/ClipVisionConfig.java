package vtc.engine.vision;

/**
 * Shape and constants of a CLIP vision tower (HF {@code CLIPVisionConfig}). Loaders fill the
 * Hugging Face defaults for omitted fields; the engine only reads the values.
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
