package vtc.engine.llava;

import vtc.engine.tensor.WeightMatrix;

/** The multi-modal projector {@code linear_2(gelu(linear_1(x)))}; biases may be null. */
public record ProjectorWeights(WeightMatrix linear1, float[] bias1, WeightMatrix linear2, float[] bias2) {
}
