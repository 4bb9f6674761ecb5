package vtc.engine.vision;

import vtc.engine.tensor.WeightMatrix;

/** One pre-LayerNorm CLIP encoder block. Vectors are small and held as float32 copies. */
public record ClipLayerWeights(
        float[] layerNorm1Weight, float[] layerNorm1Bias,
        WeightMatrix qProj, float[] qBias,
        WeightMatrix kProj, float[] kBias,
        WeightMatrix vProj, float[] vBias,
        WeightMatrix outProj, float[] outBias,
        float[] layerNorm2Weight, float[] layerNorm2Bias,
        WeightMatrix fc1, float[] fc1Bias,
        WeightMatrix fc2, float[] fc2Bias) {
}
