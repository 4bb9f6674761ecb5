package vtc.engine.text;

import java.util.List;
import vtc.engine.tensor.WeightMatrix;

/** Weights of the Llama decoder; {@code lmHead} is {@code embedTokens} when embeddings are tied. */
public record LlamaWeights(
        WeightMatrix embedTokens,
        List<LlamaLayerWeights> layers,
        float[] norm,
        WeightMatrix lmHead) {
}
