package vtc.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import vtc.engine.llava.NonFiniteValuesException;

class TopKTest {

    @Test
    void keepsTheLargestInAscendingIndexOrder() {
        float[] v = {0.1f, 0.9f, 0.3f, 0.7f, 0.5f};
        assertArrayEquals(new int[] {1, 3, 4}, TopK.largest(v, 3));
    }

    @Test
    void tiesGoToTheLowerIndex() {
        float[] v = {0.5f, 0.2f, 0.5f, 0.5f, 0.9f};
        assertArrayEquals(new int[] {0, 4}, TopK.largest(v, 2));
        assertArrayEquals(new int[] {0, 2, 4}, TopK.largest(v, 3));
        float[] flat = new float[6];
        assertArrayEquals(new int[] {0, 1, 2}, TopK.largest(flat, 3));
    }

    @Test
    void edgeCounts() {
        float[] v = {3, 1, 2};
        assertArrayEquals(new int[0], TopK.largest(v, 0));
        assertArrayEquals(new int[] {0, 1, 2}, TopK.largest(v, 3));
        assertArrayEquals(new int[] {0, 1, 2}, TopK.largest(v, 10));
        assertThrows(IllegalArgumentException.class, () -> TopK.largest(v, -1));
    }

    @Test
    void nanIsRejectedNotRanked() {
        assertThrows(NonFiniteValuesException.class, () -> TopK.largest(new float[] {1, Float.NaN, 2}, 1));
    }

    /** Against a full sort by (value descending, index ascending), on values with many ties. */
    @Test
    void agreesWithAFullSortOnRandomInputs() {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(80);
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = random.nextInt(12) / 4f;
            }
            int k = random.nextInt(n + 1);
            int[] expected = IntStream.range(0, n).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(i -> -v[i]).thenComparing(i -> i))
                    .limit(k).mapToInt(Integer::intValue).sorted().toArray();
            assertArrayEquals(expected, TopK.largest(v, k), () -> Arrays.toString(v) + " k=" + k);
        }
    }
}
