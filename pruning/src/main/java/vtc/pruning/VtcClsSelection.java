package vtc.pruning;

import java.util.Objects;
import vtc.engine.prune.VisionShape;
import vtc.engine.prune.VisualTokenSelector;

/**
 * The VTC-CLS score of one image, accumulated while its ViT forward pass runs. Each [CLS] row
 * the engine hands over is added into a running sum; nothing is allocated per row, and no
 * attention matrix is kept.
 *
 * <p>The sum runs in double: Σ_l Σ_h A / H equals Σ_l mean_h A exactly up to double rounding,
 * far below the float32 noise of the rows themselves, and it does not depend on the order in
 * which the engine visits the heads.
 */
public final class VtcClsSelection implements VisualTokenSelector.Selection {

    private final int firstLayer;
    private final int lastLayer;
    private final int numHeads;
    private final int numPatches;
    private final int keep;
    private final double[] sum;
    private final boolean[] seen;
    private int rowsSeen;

    VtcClsSelection(VisionShape shape, int layers, int keep) {
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
        if (!wantsLayer(layer)) {
            throw new IllegalArgumentException("VTC-CLS watches layers " + firstLayer + ".." + lastLayer
                    + ", got a row of layer " + layer);
        }
        Objects.checkIndex(head, numHeads);
        if (length != 1 + numPatches) {
            throw new IllegalArgumentException("a [CLS] row has 1 + " + numPatches + " columns, got " + length);
        }
        Objects.checkFromIndexSize(offset, length, probs.length);
        int slot = (layer - firstLayer) * numHeads + head;
        if (seen[slot]) {
            throw new IllegalStateException("layer " + layer + " head " + head + " reported twice");
        }
        seen[slot] = true;
        rowsSeen++;
        addPatchColumns(probs, offset + 1);
    }

    private void addPatchColumns(float[] probs, int from) {
        for (int j = 0; j < numPatches; j++) {
            sum[j] += probs[from + j];
        }
    }

    /** score[j] for every patch j, once all K·H rows have arrived. */
    public float[] scores() {
        requireAllRows();
        float[] scores = new float[numPatches];
        for (int j = 0; j < numPatches; j++) {
            scores[j] = (float) (sum[j] / numHeads);
        }
        return scores;
    }

    /** The U patches with the highest scores, ascending; ties keep the lower index. */
    @Override
    public int[] keep() {
        if (keep >= numPatches) {
            return TopK.allIndices(numPatches);
        }
        return TopK.largest(scores(), keep);
    }

    private void requireAllRows() {
        if (rowsSeen == seen.length) {
            return;
        }
        for (int slot = 0; slot < seen.length; slot++) {
            if (!seen[slot]) {
                throw new IllegalStateException("VTC-CLS got no [CLS] row for layer " + (firstLayer + slot / numHeads)
                        + " head " + slot % numHeads + " (did the ViT run up to layer " + lastLayer + "?)");
            }
        }
    }
}
