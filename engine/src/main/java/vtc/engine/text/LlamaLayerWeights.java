package vtc.engine.text;

import vtc.engine.tensor.WeightMatrix;

/** One Llama decoder block: pre-RMSNorm attention and SwiGLU MLP, no biases. */
public record LlamaLayerWeights(
        float[] inputLayerNorm,
        WeightMatrix qProj, WeightMatrix kProj, WeightMatrix vProj, WeightMatrix oProj,
        float[] postAttentionLayerNorm,
        WeightMatrix gateProj, WeightMatrix upProj, WeightMatrix downProj) {
}
