package vtc.pruning;

import java.util.Arrays;
import vtc.engine.prune.TokenSelector;
import vtc.engine.prune.VisionShape;

/**
 * PruMerge+ (the official VTC-CLS code's {@code llava_prumerge}): the T tokens the last ViT
 * layer's [CLS] attends to most, in descending order of attention, then a spatial grid, every
 * s-th patch below N − 1 that is not already kept, ascending; everything else is merged into
 * them as in PruMerge. The official code fixes (T, s) from a target count for N = 576 patches.
 */
public final class PruMergePlus implements TokenSelector {

    /** LLaVA-1.5's patches, the only N the official (T, s) presets were written for. */
    public static final int OFFICIAL_PATCHES = 576;

    private final int top;
    private final int stride;
    /** Made by {@link #official}: its (T, s) only mean what they say for N = 576. */
    private final boolean officialPreset;

    /**
     * @param top    T ≥ 1, the tokens kept by attention (at most N are)
     * @param stride s ≥ 1, the step of the grid added to them
     */
    public PruMergePlus(int top, int stride) {
        this(top, stride, false);
    }

    private PruMergePlus(int top, int stride, boolean officialPreset) {
        if (top < 1) {
            throw new PruningParameterException("top", "PruMerge+ needs T ≥ 1 top tokens, got " + top);
        }
        if (stride < 1) {
            throw new PruningParameterException("stride", "PruMerge+ needs a grid stride s ≥ 1, got " + stride);
        }
        this.top = top;
        this.stride = stride;
        this.officialPreset = officialPreset;
    }

    /**
     * The official (T, s) for a target token count, for N = 576: 64 → (13, 11), 128 → (40, 6),
     * anything else → (95, 3). The kept count is only roughly the target. A model with another
     * N is refused when the selection begins: give T and s instead.
     */
    public static PruMergePlus official(int tokenCount) {
        return switch (tokenCount) {
            case 64 -> new PruMergePlus(13, 11, true);
            case 128 -> new PruMergePlus(40, 6, true);
            default -> new PruMergePlus(95, 3, true);
        };
    }

    public int top() {
        return top;
    }

    public int stride() {
        return stride;
    }

    @Override
    public PruMergeSelection begin(VisionShape shape) {
        if (officialPreset && shape.numPatches() != OFFICIAL_PATCHES) {
            throw new PruningParameterException("keep", "the official PruMerge+ settings assume " + OFFICIAL_PATCHES
                    + " patches, this model has " + shape.numPatches() + "; give T (top) and s (stride) instead");
        }
        return new PruMergeSelection(shape) {
            @Override
            protected int[] choose(float[] clsAttention) {
                return topThenGrid(clsAttention);
            }
        };
    }

    private int[] topThenGrid(float[] clsAttention) {
        int n = clsAttention.length;
        int[] byAttention = TopK.largestByValue(clsAttention, top);
        boolean[] kept = new boolean[n];
        for (int j : byAttention) {
            kept[j] = true;
        }
        int[] out = new int[n];
        System.arraycopy(byAttention, 0, out, 0, byAttention.length);
        int count = byAttention.length;
        for (int j = 0; j < n - 1; j += stride) {
            if (!kept[j]) {
                out[count++] = j;
            }
        }
        return Arrays.copyOf(out, count);
    }

    /** The choice reads the image alone; the description names the method and every parameter. */
    @Override
    public String imageOnlyKey() {
        return toString();
    }

    @Override
    public String toString() {
        return "prumerge+(T=" + top + ", s=" + stride + ")";
    }
}
