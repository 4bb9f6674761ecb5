package vtc.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import vtc.engine.prune.VisionShape;

class UniformSelectionTest {

    /** U = 16 on 8×8: the centres of a 4×4 lattice of 2×2 cells, rows and columns 1, 3, 5, 7. */
    @Test
    void aPerfectSquareIsARegularLattice() {
        int[] expected = new int[16];
        int next = 0;
        for (int y = 1; y < 8; y += 2) {
            for (int x = 1; x < 8; x += 2) {
                expected[next++] = y * 8 + x;
            }
        }
        assertArrayEquals(expected, keep(8, 16));
    }

    /** U = 5 on 8×8: R = 3 rows at 1, 4, 6 holding 1, 2, 2 patches (worked by hand from the class doc). */
    @Test
    void otherCountsSpreadRowByRow() {
        assertArrayEquals(new int[] {1 * 8 + 4, 4 * 8 + 2, 4 * 8 + 6, 6 * 8 + 2, 6 * 8 + 6}, keep(8, 5));
    }

    /** U = 144 of LLaVA's 24×24: exactly one kept patch in every 2×2 block. */
    @Test
    void coversTheWholeImage() {
        int[] perBlock = new int[144];
        for (int p : keep(24, 144)) {
            perBlock[(p / 24 / 2) * 12 + (p % 24) / 2]++;
        }
        for (int block = 0; block < 144; block++) {
            assertEquals(1, perBlock[block], "block " + block);
        }
    }

    @Test
    void exactlyUDistinctAscendingPatchesForEveryU() {
        for (int g : new int[] {1, 6, 8, 24}) {
            for (int u = 1; u <= g * g; u++) {
                int[] kept = keep(g, u);
                assertEquals(u, kept.length, "g=" + g + " U=" + u);
                for (int i = 0; i < u; i++) {
                    assertTrue(kept[i] >= 0 && kept[i] < g * g);
                    assertTrue(i == 0 || kept[i] > kept[i - 1], "g=" + g + " U=" + u + " ascending");
                }
            }
        }
    }

    @Test
    void keepingAtLeastNKeepsEverything() {
        assertArrayEquals(new int[] {0, 1, 2, 3}, keep(2, 4));
        assertArrayEquals(new int[] {0, 1, 2, 3}, keep(2, 100));
    }

    private static int[] keep(int grid, int u) {
        return new UniformSelection(KeepBudget.count(u)).begin(new VisionShape(0, 1, grid)).keep();
    }
}
