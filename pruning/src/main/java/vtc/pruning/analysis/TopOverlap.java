package vtc.pruning.analysis;

import vtc.pruning.TopK;

/**
 * The overlap ratio of the paper's Figure 2: of the U tokens one importance vector would keep,
 * the share the other would keep too. 1 means the two signals prune identically.
 */
public final class TopOverlap {

    private TopOverlap() {
    }

    /** |top-U(a) ∩ top-U(b)| / U, with the pruning tie rule (lower index first) on both sides. */
    public static double of(float[] a, float[] b, int u) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors differ in length: " + a.length + " vs " + b.length);
        }
        if (u < 1 || u > a.length) {
            throw new IllegalArgumentException("U must be in 1.." + a.length + ", got " + u);
        }
        return commonCount(TopK.largest(a, u), TopK.largest(b, u)) / (double) u;
    }

    /** Elements shared by two ascending index lists (a merge walk). */
    private static int commonCount(int[] x, int[] y) {
        int i = 0;
        int j = 0;
        int common = 0;
        while (i < x.length && j < y.length) {
            if (x[i] == y[j]) {
                common++;
                i++;
                j++;
            } else if (x[i] < y[j]) {
                i++;
            } else {
                j++;
            }
        }
        return common;
    }
}
