package vtc.pruning.analysis;

import vtc.engine.prune.VisionObserver;
import vtc.engine.prune.VisionShape;
import vtc.pruning.KeepBudget;
import vtc.pruning.VtcCls;

/**
 * One ViT pass, the VTC-CLS score for every K up to {@code maxLayers} (the analysis compares
 * K = 1..4): one {@link VtcCls.Score} per K, each handed the [CLS] rows of its own layers.
 */
public final class ClsAttentionRecorder implements VisionObserver {

    private final VtcCls.Score[] byK;

    public ClsAttentionRecorder(VisionShape shape, int maxLayers) {
        if (maxLayers < 1 || maxLayers > shape.featureLayer() + 1) {
            throw new IllegalArgumentException("can record 1.." + (shape.featureLayer() + 1) + " layers up to F = "
                    + shape.featureLayer() + ", asked for " + maxLayers);
        }
        this.byK = new VtcCls.Score[maxLayers];
        for (int k = 1; k <= maxLayers; k++) {
            byK[k - 1] = new VtcCls(k, KeepBudget.count(1)).begin(shape);
        }
    }

    @Override
    public boolean wantsLayer(int layer) {
        return byK[byK.length - 1].wantsLayer(layer);
    }

    @Override
    public void clsAttention(int layer, int head, float[] probs, int offset, int length) {
        if (!wantsLayer(layer)) {
            throw new IllegalArgumentException("unexpected [CLS] row of layer " + layer);
        }
        for (VtcCls.Score score : byK) {
            if (score.wantsLayer(layer)) {
                score.clsAttention(layer, head, probs, offset, length);
            }
        }
    }

    /** The VTC-CLS score over the K layers F−K+1..F: Σ_l mean_h A_l[h][0, 1+j]. */
    public float[] scores(int k) {
        if (k < 1 || k > byK.length) {
            throw new IllegalArgumentException("recorded " + byK.length + " layers, asked for K = " + k);
        }
        return byK[k - 1].scores();
    }
}
