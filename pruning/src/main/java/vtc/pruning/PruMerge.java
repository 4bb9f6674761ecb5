package vtc.pruning;

import java.util.Arrays;
import vtc.engine.prune.TokenSelector;
import vtc.engine.prune.VisionShape;

/**
 * PruMerge (Shang et al., "LLaVA-PruMerge"; the official VTC-CLS code's
 * {@code llava_prumerge_base}): keeps the outliers of the last ViT layer's [CLS] attention and
 * merges everything else into them. How many is adaptive: the values strictly above
 * Q3 + 1.5·(Q3 − Q1), the interquartile rule, in descending order of attention.
 */
public final class PruMerge implements TokenSelector {

    @Override
    public PruMergeSelection begin(VisionShape shape) {
        return new PruMergeSelection(shape) {
            @Override
            protected int[] choose(float[] clsAttention) {
                return TopK.largestByValue(clsAttention, outliers(clsAttention));
            }
        };
    }

    /**
     * How many values lie strictly above Q3 + 1.5·(Q3 − Q1), the quartiles by linear
     * interpolation between the sorted values (numpy's default). At least one, so that a
     * perfectly flat attention still keeps a token.
     */
    static int outliers(float[] values) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        double q1 = percentile(sorted, 0.25);
        double q3 = percentile(sorted, 0.75);
        double bound = q3 + 1.5 * (q3 - q1);
        int count = 0;
        for (float v : values) {
            if (v > bound) {
                count++;
            }
        }
        return Math.max(1, count);
    }

    private static double percentile(float[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int below = (int) Math.floor(h);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (h - below) * ((double) sorted[above] - sorted[below]);
    }

    /** The choice reads the image alone; the description names the method and every parameter. */
    @Override
    public String imageOnlyKey() {
        return toString();
    }

    @Override
    public String toString() {
        return "prumerge";
    }
}
