package vtc.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import vtc.engine.prune.VisionShape;

class RandomSelectionTest {

    private static final VisionShape LLAVA = new VisionShape(22, 16, 24);

    @Test
    void theSameSeedGivesTheSamePatches() {
        int[] first = new RandomSelection(42, KeepBudget.count(64)).begin(LLAVA).keep();
        int[] again = new RandomSelection(42, KeepBudget.count(64)).begin(LLAVA).keep();
        assertArrayEquals(first, again);
        assertFalse(Arrays.equals(first, new RandomSelection(43, KeepBudget.count(64)).begin(LLAVA).keep()));
    }

    @Test
    void keepsUDistinctPatchesInRasterOrder() {
        for (long seed = 0; seed < 50; seed++) {
            int[] kept = new RandomSelection(seed, KeepBudget.count(64)).begin(LLAVA).keep();
            assertEquals(64, kept.length);
            for (int i = 0; i < kept.length; i++) {
                assertTrue(kept[i] >= 0 && kept[i] < 576);
                assertTrue(i == 0 || kept[i] > kept[i - 1], "strictly ascending, hence distinct");
            }
        }
    }

    /** Over 200 seeds (8 of 64 each) every patch should turn up; a biased draw would skip some. */
    @Test
    void everyPatchCanBeDrawn() {
        VisionShape tiny = new VisionShape(4, 4, 8);
        boolean[] drawn = new boolean[64];
        for (long seed = 0; seed < 200; seed++) {
            for (int p : new RandomSelection(seed, KeepBudget.count(8)).begin(tiny).keep()) {
                drawn[p] = true;
            }
        }
        for (int p = 0; p < 64; p++) {
            assertTrue(drawn[p], "patch " + p + " never drawn");
        }
    }

    @Test
    void keepingAtLeastNKeepsEverything() {
        VisionShape tiny = new VisionShape(4, 4, 2);
        assertArrayEquals(new int[] {0, 1, 2, 3}, new RandomSelection(1, KeepBudget.count(9)).begin(tiny).keep());
    }
}
