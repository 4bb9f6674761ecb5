package vtc.pruning;

import java.util.Arrays;
import java.util.SplittableRandom;
import vtc.engine.prune.VisionShape;
import vtc.engine.prune.TokenSelector;

/**
 * The floor any informed method must beat: U distinct patches drawn uniformly at random. The
 * same seed gives the same patches for every image of the same grid, so runs are reproducible.
 */
public final class RandomSelection implements TokenSelector {

    private final long seed;
    private final KeepBudget keep;

    public RandomSelection(long seed, KeepBudget keep) {
        this.seed = seed;
        this.keep = keep;
    }

    @Override
    public PatchSelection begin(VisionShape shape) {
        int[] kept = draw(shape.numPatches(), keep.resolve(shape.numPatches()));
        return () -> kept.clone();
    }

    /** A partial Fisher–Yates shuffle: the first u slots become a uniform u-subset of 0..n−1. */
    private int[] draw(int n, int u) {
        int[] patches = TopK.allIndices(n);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < u; i++) {
            int j = i + random.nextInt(n - i);
            int t = patches[i];
            patches[i] = patches[j];
            patches[j] = t;
        }
        int[] kept = Arrays.copyOf(patches, u);
        Arrays.sort(kept);
        return kept;
    }

    /** The choice reads the image alone; the description names the method and every parameter. */
    @Override
    public String imageOnlyKey() {
        return toString();
    }

    @Override
    public String toString() {
        return "random(seed=" + seed + ", U=" + keep + ")";
    }
}
