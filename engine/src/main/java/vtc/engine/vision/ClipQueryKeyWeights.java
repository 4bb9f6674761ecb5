package vtc.engine.vision;

import vtc.engine.tensor.WeightMatrix;

/**
 * The part of an encoder block that makes its queries and keys: {@code layer_norm1},
 * {@code q_proj} and {@code k_proj}. Held for the last layer, which LLaVA's features never use
 * but PruMerge scores patches with.
 */
public record ClipQueryKeyWeights(
        float[] layerNorm1Weight, float[] layerNorm1Bias,
        WeightMatrix qProj, float[] qBias,
        WeightMatrix kProj, float[] kBias) {
}
