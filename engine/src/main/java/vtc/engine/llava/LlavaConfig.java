package vtc.engine.llava;

import vtc.engine.text.LlamaConfig;
import vtc.engine.vision.ClipVisionConfig;

/**
 * A LLaVA model: CLIP tower, projector, Llama decoder and how they are joined.
 *
 * @param visionFeatureLayer HF index into the ViT hidden states ({@code -2}: the output of the
 *                           second-to-last layer)
 * @param imageAspectRatio   {@code "pad"} for the original LLaVA-1.5 preprocessing, otherwise null
 */
public record LlavaConfig(
        ClipVisionConfig vision,
        LlamaConfig text,
        int imageTokenIndex,
        String projectorHiddenAct,
        int visionFeatureLayer,
        String visionFeatureSelectStrategy,
        boolean multimodalProjectorBias,
        String imageAspectRatio) {

    public LlavaConfig {
        if (!"gelu".equals(projectorHiddenAct)) {
            throw new IllegalArgumentException("projector_hidden_act is \"" + projectorHiddenAct
                    + "\"; the projector computes the exact (erf) gelu only");
        }
    }

    /**
     * Index of the hidden state that holds the visual features: {@code hidden[0]} is the
     * pre-layernorm output and {@code hidden[i+1]} the output of layer i, so this is also the
     * number of encoder layers that must run.
     */
    public int featureHiddenIndex() {
        int layers = vision.numHiddenLayers();
        return visionFeatureLayer < 0 ? layers + 1 + visionFeatureLayer : visionFeatureLayer;
    }

    /** F, the last encoder layer whose output feeds the features (layer numbering 0..L-1). */
    public int featureLayer() {
        return featureHiddenIndex() - 1;
    }
}
