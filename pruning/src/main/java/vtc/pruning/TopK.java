package vtc.pruning;

import java.util.Arrays;
import vtc.engine.llava.NonFiniteValuesException;

/**
 * The indices of the k largest values, returned in ascending index order so kept tokens keep
 * their raster (or sequence) order. Equal values prefer the lower index, as in the reference
 * code's stable sort. O(n log k): one pass with a bounded min-heap of the current best k.
 */
public final class TopK {

    private TopK() {
    }

    /**
     * @throws NonFiniteValuesException if a value is NaN (an attention score never is, so NaN
     *                                   means the forward pass went wrong upstream)
     */
    public static int[] largest(float[] values, int k) {
        int n = values.length;
        if (k < 0) {
            throw new IllegalArgumentException("k must not be negative, got " + k);
        }
        requireNumbers(values);
        if (k >= n) {
            return allIndices(n);
        }
        int[] heap = new int[k];
        for (int j = 0; j < k; j++) {
            heap[j] = j;
            siftUp(values, heap, j);
        }
        for (int j = k; j < n && k > 0; j++) {
            // j is higher than every index in the heap, so it only wins on a strictly larger value.
            if (values[j] > values[heap[0]]) {
                heap[0] = j;
                siftDown(values, heap, k);
            }
        }
        Arrays.sort(heap);
        return heap;
    }

    /**
     * The indices of the k largest values in descending order of value (equal values: lower
     * index first), for the methods whose output order is the attention order.
     */
    public static int[] largestByValue(float[] values, int k) {
        int[] top = largest(values, Math.min(k, values.length));
        Integer[] boxed = new Integer[top.length];
        for (int i = 0; i < top.length; i++) {
            boxed[i] = top[i];
        }
        Arrays.sort(boxed, (a, b) -> values[a] != values[b] ? Float.compare(values[b], values[a]) : Integer.compare(a, b));
        for (int i = 0; i < top.length; i++) {
            top[i] = boxed[i];
        }
        return top;
    }

    /** 0, 1, ..., n−1: everything is kept. */
    public static int[] allIndices(int n) {
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        return all;
    }

    /** Heap order: the root is the worst kept index (smallest value, then highest index). */
    private static boolean worse(float[] v, int a, int b) {
        return v[a] < v[b] || (v[a] == v[b] && a > b);
    }

    private static void siftUp(float[] v, int[] heap, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!worse(v, heap[i], heap[parent])) {
                return;
            }
            swap(heap, i, parent);
            i = parent;
        }
    }

    private static void siftDown(float[] v, int[] heap, int size) {
        int i = 0;
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int child = left + 1 < size && worse(v, heap[left + 1], heap[left]) ? left + 1 : left;
            if (!worse(v, heap[child], heap[i])) {
                return;
            }
            swap(heap, i, child);
            i = child;
        }
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    private static void requireNumbers(float[] values) {
        for (int j = 0; j < values.length; j++) {
            if (Float.isNaN(values[j])) {
                throw new NonFiniteValuesException(NonFiniteValuesException.Stage.PRUNING_SCORES,
                        "hold NaN (first at token " + j + ")");
            }
        }
    }
}
