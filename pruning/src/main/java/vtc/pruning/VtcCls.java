package vtc.pruning;

import vtc.engine.prune.VisionShape;
import vtc.engine.prune.VisualTokenSelector;

/**
 * VTC-CLS ("[CLS] Token Tells Everything Needed for Training-free Efficient MLLMs"): the [CLS]
 * token of the vision tower already knows which patches matter, because its attention row is
 * what CLIP's image embedding was trained to summarise. The score of patch j is
 *
 * <pre>  score[j] = Σ_{l = F−K+1 .. F}  mean_h A_l[h][0, 1 + j]</pre>
 *
 * over the K encoder layers ending at the feature layer F, and the U best patches are kept, in
 * raster order. No training, no extra forward pass: the rows are read while the ViT runs.
 *
 * @see VtcClsSelection for the per-image scoring
 */
public final class VtcCls implements VisualTokenSelector {

    /** The option name of K in error messages. */
    public static final String LAYERS_OPTION = "--layers";

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
            throw new PruningOptionException(LAYERS_OPTION, "VTC-CLS needs K ≥ 1 layers, got " + layers);
        }
        this.layers = layers;
        this.keep = keep;
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
    public VtcClsSelection begin(VisionShape shape) {
        int available = shape.featureLayer() + 1;
        if (layers > available) {
            throw new PruningOptionException(LAYERS_OPTION, "VTC-CLS K = " + layers + " exceeds the "
                    + available + " encoder layers up to the feature layer F = " + shape.featureLayer());
        }
        return new VtcClsSelection(shape, layers, keep.resolve(shape.numPatches()));
    }

    @Override
    public String toString() {
        return "vtc-cls(K=" + layers + ", U=" + keep + ")";
    }
}
