package vtc.pruning;

import vtc.engine.prune.KeptPatches;
import vtc.engine.prune.TokenSelector;

/**
 * A selection that keeps a subset of the patches as they are, before the projector, in raster
 * order: VTC-CLS and the content-blind baselines.
 */
@FunctionalInterface
public interface PatchSelection extends TokenSelector.Selection {

    /** The kept patch indices, strictly ascending (raster order). */
    int[] keep();

    @Override
    default KeptPatches keepPatches(float[] features, int width) {
        return KeptPatches.of(keep());
    }
}
