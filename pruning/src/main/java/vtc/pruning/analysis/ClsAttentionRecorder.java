package vtc.pruning.analysis;

import java.util.Objects;
import vtc.engine.prune.ClsAttentionObserver;
import vtc.engine.prune.VisionShape;

/**
 * Keeps the head-summed [CLS] rows of the last few encoder layers up to the feature layer F,
 * so one ViT pass yields the VTC-CLS score for every K up to {@code maxLayers} (the analysis
 * compares K = 1..4; pruning itself only needs one K and uses {@link vtc.pruning.VtcClsSelection}).
 */
public final class ClsAttentionRecorder implements ClsAttentionObserver {

    private final int firstLayer;
    private final int lastLayer;
    private final int numHeads;
    private final int numPatches;
    private final double[][] headSum;
    private final int[] headsSeen;

    public ClsAttentionRecorder(VisionShape shape, int maxLayers) {
        this.lastLayer = shape.featureLayer();
        if (maxLayers < 1 || maxLayers > lastLayer + 1) {
            throw new IllegalArgumentException("can record 1.." + (lastLayer + 1) + " layers up to F = "
                    + lastLayer + ", asked for " + maxLayers);
        }
        this.firstLayer = lastLayer - maxLayers + 1;
        this.numHeads = shape.numHeads();
        this.numPatches = shape.numPatches();
        this.headSum = new double[maxLayers][numPatches];
        this.headsSeen = new int[maxLayers];
    }

    @Override
    public boolean wantsLayer(int layer) {
        return layer >= firstLayer && layer <= lastLayer;
    }

    @Override
    public void clsAttention(int layer, int head, float[] probs, int offset, int length) {
        if (!wantsLayer(layer) || length != 1 + numPatches) {
            throw new IllegalArgumentException("unexpected [CLS] row: layer " + layer + ", " + length + " columns");
        }
        Objects.checkIndex(head, numHeads);
        Objects.checkFromIndexSize(offset, length, probs.length);
        double[] sum = headSum[layer - firstLayer];
        for (int j = 0; j < numPatches; j++) {
            sum[j] += probs[offset + 1 + j];
        }
        headsSeen[layer - firstLayer]++;
    }

    /** The VTC-CLS score over the K layers F−K+1..F: Σ_l mean_h A_l[h][0, 1+j]. */
    public float[] scores(int k) {
        if (k < 1 || k > headSum.length) {
            throw new IllegalArgumentException("recorded " + headSum.length + " layers, asked for K = " + k);
        }
        double[] total = new double[numPatches];
        for (int l = headSum.length - k; l < headSum.length; l++) {
            if (headsSeen[l] != numHeads) {
                throw new IllegalStateException("layer " + (firstLayer + l) + " reported " + headsSeen[l]
                        + " of " + numHeads + " heads");
            }
            for (int j = 0; j < numPatches; j++) {
                total[j] += headSum[l][j];
            }
        }
        float[] scores = new float[numPatches];
        for (int j = 0; j < numPatches; j++) {
            scores[j] = (float) (total[j] / numHeads);
        }
        return scores;
    }
}
