package vtc.pruning.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Hand-computed cases; tolerance 1e-12 because every step is a few exact double operations. */
class SpearmanCorrelationTest {

    @Test
    void tiedValuesShareTheirAverageRank() {
        assertArrayEquals(new double[] {1, 3, 3, 5, 3}, Ranks.average(new float[] {10, 20, 20, 30, 20}));
        assertArrayEquals(new double[] {2.5, 2.5, 2.5, 2.5}, Ranks.average(new float[] {7, 7, 7, 7}));
    }

    /**
     * The textbook example (IQ against weekly hours of TV for ten people): no ties, so
     * ρ = 1 − 6Σd²/(n(n²−1)) with Σd² = 194, n = 10: ρ = 1 − 1164/990 = −29/165.
     */
    @Test
    void textbookExampleWithoutTies() {
        float[] iq = {106, 100, 86, 101, 99, 103, 97, 113, 112, 110};
        float[] tv = {7, 27, 2, 50, 28, 29, 20, 12, 6, 17};
        assertEquals(-29.0 / 165.0, SpearmanCorrelation.of(iq, tv), 1e-12);
    }

    /**
     * With ties the shortcut formula is wrong and the Pearson correlation of average ranks is
     * needed: ranks (1, 2.5, 2.5, 4) and (1, 3, 2, 4) give Σdxdy = 4.5, Σdx² = 4.5, Σdy² = 5,
     * ρ = 4.5 / √22.5 = 3/√10.
     */
    @Test
    void tiesUseThePearsonCorrelationOfAverageRanks() {
        assertEquals(3 / Math.sqrt(10), SpearmanCorrelation.of(new float[] {1, 2, 2, 3}, new float[] {1, 3, 2, 4}),
                1e-12);
    }

    @Test
    void monotoneTransformsDoNotMatter() {
        float[] a = {0.1f, 0.5f, 0.2f, 0.9f};
        float[] squares = {0.01f, 0.25f, 0.04f, 0.81f};
        float[] reversed = {-0.1f, -0.5f, -0.2f, -0.9f};
        assertEquals(1.0, SpearmanCorrelation.of(a, squares), 1e-12);
        assertEquals(-1.0, SpearmanCorrelation.of(a, reversed), 1e-12);
    }

    @Test
    void undefinedCases() {
        assertTrue(Double.isNaN(SpearmanCorrelation.of(new float[] {1, 1, 1}, new float[] {1, 2, 3})));
        assertThrows(IllegalArgumentException.class, () -> SpearmanCorrelation.of(new float[] {1, 2}, new float[] {1}));
        assertThrows(IllegalArgumentException.class, () -> SpearmanCorrelation.of(new float[] {1}, new float[] {1}));
        assertThrows(IllegalArgumentException.class,
                () -> SpearmanCorrelation.of(new float[] {1, Float.NaN}, new float[] {1, 2}));
    }
}
