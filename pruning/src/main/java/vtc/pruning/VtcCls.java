package vtc.pruning;

import java.util.Objects;
import vtc.engine.prune.TokenSelector;
import vtc.engine.prune.VisionShape;

/**
 * VTC-CLS ("[CLS] Token Tells Everything Needed for Training-free Efficient MLLMs"): the [CLS]
 * token of the vision tower already knows which patches matter, because its attention row is
 * what CLIP's image embedding was trained to summarise. The score of patch j is
 *
 * <pre>  score[j] = Σ_{l = F−K+1 .. F}  mean_h A_l[h][0, 1 + j]</pre>
 *
 * over the K encoder layers ending at the feature layer F, and the U best patches are kept, in
 * raster order. No training, no extra forward pass: the rows are read while the ViT runs.
 */
public final class VtcCls implements TokenSelector {

    /** The paper's default: the last three layers up to the feature layer. */
    public static final int DEFAULT_LAYERS = 3;

    private final int layers;
    private final KeepBudget keep;

    /**
     * @param layers K ≥ 1, how many encoder layers ending at F contribute to the score
     * @param keep   U, as a count or a fraction of the patches
     */
    public VtcCls(int layers, KeepBudget keep) {
        if (layers < 1) {
            throw new PruningParameterException("layers", "VTC-CLS needs K ≥ 1 layers, got " + layers);
        }
        this.layers = layers;
        this.keep = Objects.requireNonNull(keep, "keep");
    }

    /** The paper's defaults: K = 3, U = 64. */
    public VtcCls() {
        this(DEFAULT_LAYERS, KeepBudget.DEFAULT);
    }

    public int layers() {
        return layers;
    }

    public KeepBudget keepBudget() {
        return keep;
    }

    @Override
    public Score begin(VisionShape shape) {
        int available = shape.featureLayer() + 1;
        if (layers > available) {
            throw new PruningParameterException("layers", "VTC-CLS K = " + layers + " exceeds the "
                    + available + " encoder layers up to the feature layer F = " + shape.featureLayer());
        }
        return new Score(shape, layers, keep.resolve(shape.numPatches()));
    }

    /** The choice reads the image alone; the description names the method and every parameter. */
    @Override
    public String imageOnlyKey() {
        return toString();
    }

    @Override
    public String toString() {
        return "vtc-cls(K=" + layers + ", U=" + keep + ")";
    }

    /**
     * One image's score, summed as the ViT hands over the [CLS] rows of layers F−K+1..F: nothing
     * is allocated per row and no attention matrix is kept. The sum runs in double, so it does
     * not depend on the order in which the heads arrive.
     */
    public static final class Score implements PatchSelection {

        private final int firstLayer;
        private final int lastLayer;
        private final int numHeads;
        private final int numPatches;
        private final int keep;
        private final double[] sum;
        private final boolean[] seen;

        Score(VisionShape shape, int layers, int keep) {
            this.lastLayer = shape.featureLayer();
            this.firstLayer = lastLayer - layers + 1;
            this.numHeads = shape.numHeads();
            this.numPatches = shape.numPatches();
            this.keep = keep;
            this.sum = new double[numPatches];
            this.seen = new boolean[layers * numHeads];
        }

        /** Layers F−K+1 .. F. */
        @Override
        public boolean wantsLayer(int layer) {
            return layer >= firstLayer && layer <= lastLayer;
        }

        @Override
        public void clsAttention(int layer, int head, float[] probs, int offset, int length) {
            if (!wantsLayer(layer) || length != 1 + numPatches) {
                throw new IllegalArgumentException("VTC-CLS watches layers " + firstLayer + ".." + lastLayer
                        + " with 1 + " + numPatches + " columns, got layer " + layer + " with " + length);
            }
            Objects.checkIndex(head, numHeads);
            Objects.checkFromIndexSize(offset, length, probs.length);
            int slot = (layer - firstLayer) * numHeads + head;
            if (seen[slot]) {
                throw new IllegalStateException("layer " + layer + " head " + head + " reported twice");
            }
            seen[slot] = true;
            for (int j = 0; j < numPatches; j++) {
                sum[j] += probs[offset + 1 + j];
            }
        }

        /** score[j] for every patch j, once all K·H rows have arrived. */
        public float[] scores() {
            for (int slot = 0; slot < seen.length; slot++) {
                if (!seen[slot]) {
                    throw new IllegalStateException("VTC-CLS got no [CLS] row for layer " + (firstLayer + slot / numHeads)
                            + " head " + slot % numHeads + " (did the ViT run up to layer " + lastLayer + "?)");
                }
            }
            float[] scores = new float[numPatches];
            for (int j = 0; j < numPatches; j++) {
                scores[j] = (float) (sum[j] / numHeads);
            }
            return scores;
        }

        /** The U patches with the highest scores, ascending; ties keep the lower index. */
        @Override
        public int[] keep() {
            return keep >= numPatches ? TopK.allIndices(numPatches) : TopK.largest(scores(), keep);
        }
    }
}
