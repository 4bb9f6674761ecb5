package vtc.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vtc.engine.prune.VisionObserver;
import vtc.engine.vision.ClipVisionTower;
import vtc.fixtures.Tolerance;

/**
 * The CLIP tower and the projector against the float64 references of both fixtures.
 * Tolerances: the fixture authors measured a pure float32 run at 1.6e-5 (hidden states),
 * 2e-6 ([CLS] probabilities), 1.2e-5 (features) and 6e-6 (projector) from the reference; ours
 * differs in summation order, so each bound keeps a margin of about 5x: 1e-4 for activations,
 * 1e-5 for probabilities.
 */
class VisionConformanceTest {

    static String[] fixtures() {
        return FixtureModel.NAMES;
    }

    /** Hidden states 0..F+1: the checkpoint binds only the layers LLaVA runs, so the last one is never computed. */
    @ParameterizedTest
    @MethodSource("fixtures")
    void hiddenStatesUpToTheFeatureLayer(String name) {
        FixtureModel f = FixtureModel.of(name);
        float[] golden = f.golden.floats("vision.hidden_states");
        ClipVisionTower tower = f.model.vision();
        int tokens = f.model.config().vision().numPatches() + 1;
        int width = tokens * f.model.config().vision().hiddenSize();
        int[] checked = {0};
        tower.patchFeatures(f.pixels(), null, (index, hidden, rows, cols) -> {
            float[] expected = Arrays.copyOfRange(golden, index * width, (index + 1) * width);
            Tolerance.assertClose(name + " vision.hidden_states[" + index + "]", expected,
                    Arrays.copyOf(hidden, width), 1e-4);
            checked[0]++;
        });
        assertEquals(f.model.config().featureHiddenIndex() + 1, checked[0]);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void clsAttentionRowsOfEveryRunLayer(String name) {
        FixtureModel f = FixtureModel.of(name);
        float[] golden = f.golden.floats("vision.cls_attention");
        int heads = f.model.config().vision().numAttentionHeads();
        int tokens = f.model.config().vision().numPatches() + 1;
        int[] checked = {0};
        VisionObserver observer = new VisionObserver() {
            @Override
            public boolean wantsLayer(int layer) {
                return true;
            }

            @Override
            public void clsAttention(int layer, int head, float[] probs, int offset, int length) {
                int at = (layer * heads + head) * tokens;
                Tolerance.assertClose(name + " cls_attention[" + layer + "][" + head + "]",
                        Arrays.copyOfRange(golden, at, at + tokens), Arrays.copyOfRange(probs, offset, offset + length), 1e-5);
                checked[0]++;
            }
        };
        f.model.vision().patchFeatures(f.pixels(), observer, null);
        assertEquals(f.model.config().featureHiddenIndex() * heads, checked[0]);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void patchFeaturesAndProjectedFeatures(String name) {
        FixtureModel f = FixtureModel.of(name);
        float[] features = f.model.vision().patchFeatures(f.pixels(), null, null);
        Tolerance.assertClose(name + " vision.patch_features", f.golden.floats("vision.patch_features"), features, 1e-4);
        int n = f.model.config().vision().numPatches();
        float[] projected = f.model.projector().project(f.golden.floats("vision.patch_features"), n);
        Tolerance.assertClose(name + " projector.features", f.golden.floats("projector.features"), projected, 1e-4);
    }
}
