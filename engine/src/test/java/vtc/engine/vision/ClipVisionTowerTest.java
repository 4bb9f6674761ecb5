package vtc.engine.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import vtc.engine.NaiveOps;
import vtc.engine.kernels.Parallel;
import vtc.engine.llava.RandomModel;
import vtc.engine.prune.VisionObserver;

/**
 * The float32 tower against {@link NaiveClip} in double precision on random weights. With
 * hidden size 8 and 3 layers, float32 rounding stays near 1e-6 (the fixture authors saw 1.6e-5
 * at hidden size 64 over 6 layers), so 2e-5 on hidden states and 1e-6 on probabilities is
 * tight but safe; an indexing mistake moves values by O(0.1).
 */
class ClipVisionTowerTest {

    private static final Parallel PARALLEL = new Parallel(2);
    private static final ClipVisionConfig CONFIG = RandomModel.tinyClip();
    private static final RandomModel RANDOM = new RandomModel(7);
    private static final ClipVisionWeights WEIGHTS = RANDOM.clip(CONFIG);
    private static final float[] PIXELS = RANDOM.pixels(CONFIG);

    @AfterAll
    static void close() {
        PARALLEL.close();
    }

    @Test
    void everyHiddenStateMatchesTheNaiveReference() {
        NaiveClip reference = new NaiveClip(CONFIG, WEIGHTS, PIXELS);
        ClipVisionTower tower = new ClipVisionTower(CONFIG, WEIGHTS, CONFIG.numHiddenLayers(), PARALLEL);
        List<Integer> seen = new ArrayList<>();
        tower.patchFeatures(PIXELS, null, (index, hidden, rows, cols) -> {
            seen.add(index);
            assertEquals(CONFIG.numPatches() + 1, rows);
            assertClose("hidden[" + index + "]", flatten(reference.hidden[index]), hidden, 2e-5);
        });
        assertEquals(List.of(0, 1, 2, 3), seen);
    }

    @Test
    void featuresAreTheFeatureLayerOutputWithoutCls() {
        NaiveClip reference = new NaiveClip(CONFIG, WEIGHTS, PIXELS);
        int featureHiddenIndex = CONFIG.numHiddenLayers() - 1;
        ClipVisionTower tower = new ClipVisionTower(CONFIG, WEIGHTS, featureHiddenIndex, PARALLEL);
        float[] features = tower.patchFeatures(PIXELS, null, null);
        double[][] withoutCls = java.util.Arrays.copyOfRange(reference.hidden[featureHiddenIndex], 1, CONFIG.numPatches() + 1);
        assertClose("features", flatten(withoutCls), features, 2e-5);
    }

    @Test
    void observerGetsTheClsRowOfOnlyTheLayersItWants() {
        NaiveClip reference = new NaiveClip(CONFIG, WEIGHTS, PIXELS);
        Map<String, float[]> rows = new HashMap<>();
        VisionObserver observer = new VisionObserver() {
            @Override
            public boolean wantsLayer(int layer) {
                return layer != 1;
            }

            @Override
            public void clsAttention(int layer, int head, float[] probs, int offset, int length) {
                rows.put(layer + "/" + head, java.util.Arrays.copyOfRange(probs, offset, offset + length));
            }
        };
        new ClipVisionTower(CONFIG, WEIGHTS, CONFIG.numHiddenLayers(), PARALLEL).patchFeatures(PIXELS, observer, null);
        assertEquals(4, rows.size(), "layers 0 and 2, two heads each");
        for (int layer : new int[] {0, 2}) {
            for (int head = 0; head < CONFIG.numAttentionHeads(); head++) {
                float[] row = rows.get(layer + "/" + head);
                assertClose("cls " + layer + "/" + head, reference.clsAttention[layer][head], row, 1e-6);
            }
        }
        assertTrue(!rows.containsKey("1/0"));
    }

    @Test
    void wrongPixelCountIsRejectedWithTheExpectedShape() {
        ClipVisionTower tower = new ClipVisionTower(CONFIG, WEIGHTS, 1, PARALLEL);
        var e = assertThrows(IllegalArgumentException.class, () -> tower.patchFeatures(new float[10], null, null));
        assertTrue(e.getMessage().contains("[3, 8, 8]"), e.getMessage());
    }

    @Test
    void cannotRunMoreLayersThanTheWeightsHold() {
        assertThrows(IllegalArgumentException.class, () -> new ClipVisionTower(CONFIG, WEIGHTS, 4, PARALLEL));
    }

    /**
     * The last layer's layer_norm1, [CLS] query and keys on the features' hidden state, against
     * the double reference (2e-5, as the hidden states: one more norm and projection); and
     * never computed for an observer that does not ask.
     */
    @Test
    void lastLayerQueryAndKeysOnlyWhenAsked() {
        int last = CONFIG.numHiddenLayers() - 1;
        ClipLayerWeights w = WEIGHTS.layers().get(last);
        ClipVisionWeights withLast = new ClipVisionWeights(WEIGHTS.patchEmbedding(), WEIGHTS.classEmbedding(),
                WEIGHTS.positionEmbedding(), WEIGHTS.preLayerNormWeight(), WEIGHTS.preLayerNormBias(), WEIGHTS.layers(),
                new ClipQueryKeyWeights(w.layerNorm1Weight(), w.layerNorm1Bias(), w.qProj(), w.qBias(), w.kProj(), w.kBias()));
        ClipVisionTower tower = new ClipVisionTower(CONFIG, withLast, last, PARALLEL);
        assertTrue(tower.hasLastLayerQueryKey());
        assertFalse(new ClipVisionTower(CONFIG, WEIGHTS, last, PARALLEL).hasLastLayerQueryKey(), "no weights");
        assertFalse(new ClipVisionTower(CONFIG, withLast, last - 1, PARALLEL).hasLastLayerQueryKey(),
                "features not taken right before the last layer");

        NaiveClip reference = new NaiveClip(CONFIG, WEIGHTS, PIXELS);
        double[][] normed = NaiveClip.layerNorm(reference.hidden[last], w.layerNorm1Weight(), w.layerNorm1Bias(),
                CONFIG.layerNormEps());
        double[][] q = NaiveOps.linear(normed, w.qProj(), w.qBias());
        double[][] k = NaiveOps.linear(normed, w.kProj(), w.kBias());
        List<float[]> seen = new ArrayList<>();
        tower.patchFeatures(PIXELS, new VisionObserver() {
            @Override
            public boolean wantsLastLayerQueryKey() {
                return true;
            }

            @Override
            public void lastLayerQueryKey(float[] clsQuery, float[] keys, int tokens, int width) {
                assertEquals(CONFIG.numPatches() + 1, tokens);
                seen.add(clsQuery.clone());
                seen.add(java.util.Arrays.copyOf(keys, tokens * width));
            }
        }, null);
        assertEquals(2, seen.size());
        assertClose("[CLS] query of the last layer", q[0], seen.get(0), 2e-5);
        assertClose("keys of the last layer", flatten(k), seen.get(1), 2e-5);

        tower.patchFeatures(PIXELS, new VisionObserver() {
            @Override
            public void lastLayerQueryKey(float[] clsQuery, float[] keys, int tokens, int width) {
                throw new AssertionError("computed without being asked");
            }
        }, null);
    }

    static float[] flatten(double[][] x) {
        float[] out = new float[x.length * x[0].length];
        for (int t = 0; t < x.length; t++) {
            for (int i = 0; i < x[t].length; i++) {
                out[t * x[t].length + i] = (float) x[t][i];
            }
        }
        return out;
    }

    static void assertClose(String what, float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(expected[i] - actual[i]);
            assertTrue(diff <= tol, what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
        }
    }

    static void assertClose(String what, double[] expected, float[] actual, double tol) {
        float[] e = new float[expected.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) expected[i];
        }
        assertClose(what, e, actual, tol);
    }
}
