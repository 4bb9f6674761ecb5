package vtc.engine.vision;

import java.util.List;
import vtc.engine.tensor.WeightMatrix;

/**
 * Weights of the CLIP vision tower. {@code patchEmbedding} is the conv kernel
 * {@code [D, C, P, P]} viewed as a {@code [D, C·P·P]} matrix, so the patch embedding is a matmul
 * of unfolded patches. Only the layers up to the feature layer need to be present.
 *
 * @param lastLayerQueryKey the last encoder layer's query/key part, or null when the checkpoint
 *                          does not hold it (then no selection can watch it)
 */
public record ClipVisionWeights(
        WeightMatrix patchEmbedding,
        float[] classEmbedding,
        WeightMatrix positionEmbedding,
        float[] preLayerNormWeight, float[] preLayerNormBias,
        List<ClipLayerWeights> layers,
        ClipQueryKeyWeights lastLayerQueryKey) {

    /** Without the last layer's query/key part. */
    public ClipVisionWeights(WeightMatrix patchEmbedding, float[] classEmbedding, WeightMatrix positionEmbedding,
                             float[] preLayerNormWeight, float[] preLayerNormBias, List<ClipLayerWeights> layers) {
        this(patchEmbedding, classEmbedding, positionEmbedding, preLayerNormWeight, preLayerNormBias, layers, null);
    }
}
