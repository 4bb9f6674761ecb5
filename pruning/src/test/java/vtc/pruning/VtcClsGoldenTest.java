package vtc.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vtc.engine.prune.VisionShape;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;
import vtc.fixtures.Tolerance;

/**
 * VTC-CLS scores and kept patches from the reference [CLS] rows of both fixtures, fed to the
 * selection exactly as the engine does: layer by layer, head by head, out of a scratch array
 * that is overwritten after every call.
 */
class VtcClsGoldenTest {

    static Stream<Arguments> fixtures() {
        return Stream.of(Arguments.of(Fixtures.TINY_LLAVA), Arguments.of(Fixtures.TINY_LLAVA_BF16));
    }

    /** Every (fixture, K, U) that golden.json has a selection for. */
    static Stream<Arguments> settings() {
        return Stream.of(Fixtures.TINY_LLAVA, Fixtures.TINY_LLAVA_BF16).flatMap(fixture -> {
            Golden golden = Golden.of(fixture);
            int[] us = golden.ints("vtc.U");
            return Arrays.stream(golden.ints("vtc.K")).boxed()
                    .flatMap(k -> Arrays.stream(us).mapToObj(u -> Arguments.of(fixture, k, u)));
        });
    }

    /** Tolerance 1e-5: the golden scores are float64 sums of the same rows (float32 calibration 3.1e-7). */
    @ParameterizedTest
    @MethodSource("fixtures")
    void scoresMatchTheReferenceForEveryK(String fixture) {
        Golden golden = Golden.of(fixture);
        for (int k : golden.ints("vtc.K")) {
            VtcCls.Score selection = runOnGoldenRows(golden, new VtcCls(k, KeepBudget.count(1)));
            Tolerance.assertClose(fixture + " vtc.scores.k" + k, golden.floats("vtc.scores.k" + k),
                    selection.scores(), 1e-5);
        }
    }

    @ParameterizedTest
    @MethodSource("settings")
    void keptPatchesAreTheReferenceSelection(String fixture, int k, int u) {
        Golden golden = Golden.of(fixture);
        VtcCls.Score selection = runOnGoldenRows(golden, new VtcCls(k, KeepBudget.count(u)));
        assertArrayEquals(golden.ints("vtc.by_k.k" + k + ".selected.u" + u), selection.keep(),
                fixture + " K=" + k + " U=" + u);
    }

    /** The ViT loop as the engine runs it, with the golden probabilities in place of its own. */
    static VtcCls.Score runOnGoldenRows(Golden golden, VtcCls vtc) {
        int[] shape = golden.shape("vision.cls_attention");
        int layers = shape[0];
        int heads = shape[1];
        int columns = shape[2];
        float[] rows = golden.floats("vision.cls_attention");
        int grid = (int) Math.round(Math.sqrt(columns - 1));
        VtcCls.Score selection = vtc.begin(new VisionShape(layers - 2, heads, grid));
        float[] scratch = new float[columns + 3];
        for (int layer = 0; layer <= layers - 2; layer++) {
            if (!selection.wantsLayer(layer)) {
                continue;
            }
            for (int head = 0; head < heads; head++) {
                System.arraycopy(rows, (layer * heads + head) * columns, scratch, 3, columns);
                selection.clsAttention(layer, head, scratch, 3, columns);
                Arrays.fill(scratch, Float.NaN);
            }
        }
        return selection;
    }
}
