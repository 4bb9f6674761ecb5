package vtc.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vtc.engine.prune.VisionShape;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;

/**
 * Which tokens PruMerge and PruMerge+ keep, from the golden {@code cls_attn} alone (the engine
 * run is in the conformance tests): the interquartile count, the descending order, the grid,
 * and the official (T, s) presets.
 */
class PruMergeTest {

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.TINY_LLAVA, Fixtures.TINY_LLAVA_BF16})
    void theInterquartileRuleCountsTheGoldenOutliers(String fixture) {
        Golden golden = Golden.of(fixture);
        float[] attention = golden.floats("prumerge.cls_attn");
        assertEquals(golden.at("prumerge.iqr.left").getAsInt(), PruMerge.outliers(attention));
        assertArrayEquals(golden.ints("prumerge.by_setting.adaptive.kept_indices"),
                TopK.largestByValue(attention, PruMerge.outliers(attention)));
    }

    @Test
    void outliersAreStrictlyAboveTheBoundAndAtLeastOne() {
        // sorted 1 1 1 1 1 1 5 9: Q1 = v[1.75] = 1, Q3 = v[5.25] = 1 + 0.25·4 = 2, bound = 3.5: the 5 and the 9.
        assertEquals(2, PruMerge.outliers(new float[] {1, 1, 1, 1, 1, 1, 9, 5}));
        assertEquals(1, PruMerge.outliers(new float[] {2, 2, 2, 2}), "a flat row still keeps one token");
    }

    @Test
    void plusKeepsTheTopInDescendingOrderThenTheGridBelowNMinusOne() {
        float[] attention = {0.1f, 0.5f, 0.2f, 0.9f, 0.0f, 0.3f, 0.05f, 0.7f, 0.6f};
        // top 2: 3 (0.9), 7 (0.7); grid of stride 3 below 8: 0, 3, 6 -> 0, 6 are new
        assertArrayEquals(new int[] {3, 7, 0, 6}, keptBy(new PruMergePlus(2, 3), attention));
        // the grid stops below N − 1 = 8 even when a step lands on it
        assertArrayEquals(new int[] {3, 0, 4}, keptBy(new PruMergePlus(1, 4), attention));
    }

    @Test
    void equalAttentionKeepsTheLowerIndexFirst() {
        assertArrayEquals(new int[] {2, 0, 1}, TopK.largestByValue(new float[] {0.25f, 0.25f, 0.5f, 0.1f}, 3));
    }

    @Test
    void theOfficialPresetsHoldOnlyForFiveHundredSeventySixPatches() {
        assertEquals(13, PruMergePlus.official(64).top());
        assertEquals(11, PruMergePlus.official(64).stride());
        assertEquals(40, PruMergePlus.official(128).top());
        assertEquals(6, PruMergePlus.official(128).stride());
        assertEquals(95, PruMergePlus.official(256).top());
        assertEquals(3, PruMergePlus.official(32).stride());
        PruMergePlus.official(64).begin(new VisionShape(22, 16, 24));
        var e = assertThrows(PruningParameterException.class, () -> PruMergePlus.official(64).begin(new VisionShape(4, 4, 8)));
        assertEquals("keep", e.parameter());
        assertTrue(e.getMessage().contains("576"), e.getMessage());
    }

    @Test
    void badParametersAreNamed() {
        assertEquals("top", assertThrows(PruningParameterException.class, () -> new PruMergePlus(0, 3)).parameter());
        assertEquals("stride", assertThrows(PruningParameterException.class, () -> new PruMergePlus(3, 0)).parameter());
    }

    /** The choice of a selector given a [CLS] attention row, through its own scoring path. */
    private static int[] keptBy(PruMergePlus plus, float[] attention) {
        int n = attention.length;
        PruMergeSelection selection = plus.begin(new VisionShape(0, 1, 3));
        // q₀ = e₀ and key t = log(a_t)·√width·e₀ make softmax(q₀·k/√width) reproduce a (the [CLS] key takes no weight).
        int width = 1;
        float[] query = {1};
        float[] keys = new float[n + 1];
        keys[0] = -1000;
        for (int j = 0; j < n; j++) {
            keys[1 + j] = (float) Math.log(attention[j] + 1e-9);
        }
        selection.lastLayerQueryKey(query, keys, n + 1, width);
        return selection.keepPatches(new float[n * width], width).indices();
    }
}
