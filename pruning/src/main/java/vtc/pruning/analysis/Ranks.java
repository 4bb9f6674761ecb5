package vtc.pruning.analysis;

import java.util.Arrays;
import java.util.Comparator;

/** Ranks of a sample, 1 for the smallest value; tied values share the average of their ranks. */
public final class Ranks {

    private Ranks() {
    }

    /** The average ranks of {@code values} (NaN is not allowed: it has no place in an order). */
    public static double[] average(float[] values) {
        int n = values.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(values[i])) {
                throw new IllegalArgumentException("value " + i + " is NaN and cannot be ranked");
            }
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[n];
        int start = 0;
        while (start < n) {
            int end = start + 1;
            while (end < n && values[order[end]] == values[order[start]]) {
                end++;
            }
            // positions start..end-1 hold one tie group: ranks start+1..end, average (start+1+end)/2
            double shared = (start + 1 + end) / 2.0;
            for (int p = start; p < end; p++) {
                ranks[order[p]] = shared;
            }
            start = end;
        }
        return ranks;
    }
}
