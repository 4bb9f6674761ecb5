package vtc.pruning;

import vtc.engine.prune.VisionShape;
import vtc.engine.prune.TokenSelector;

/** The unpruned reference: all N patches reach the decoder. */
public final class NoPruning implements TokenSelector {

    @Override
    public PatchSelection begin(VisionShape shape) {
        int[] all = TopK.allIndices(shape.numPatches());
        return () -> all.clone();
    }

    /** The choice reads the image alone; the description names the method and every parameter. */
    @Override
    public String imageOnlyKey() {
        return toString();
    }

    @Override
    public String toString() {
        return "none";
    }
}
