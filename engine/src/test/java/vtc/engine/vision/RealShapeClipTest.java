package vtc.engine.vision;

import static vtc.engine.vision.ClipVisionTowerTest.assertClose;
import static vtc.engine.vision.ClipVisionTowerTest.flatten;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import vtc.engine.StoredAs;
import vtc.engine.kernels.Parallel;
import vtc.engine.llava.RandomModel;
import vtc.engine.tensor.DType;

/**
 * The vision tower at CLIP ViT-L/14-336's widths — a 336-pixel image in 14-pixel patches (577
 * rows, so the products take the blocked GEMM path), hidden 1024, 16 heads of dim 64 (the
 * attention's vector value tiles) — against {@link NaiveClip} in double, for F16 (what LLaVA
 * checkpoints store) and Q8_0 (the quantized option). Two layers and a narrow MLP (512) keep the
 * reference to a few seconds of CPU per dtype; F32 and BF16 differ from these only in how
 * {@code BlockedMatMul} widens a block while packing, which {@code MatMulTest} checks at the
 * same path, and the decoder test runs all four at k = 4096.
 *
 * <p>Tolerance: the reference reads the stored (rounded or dequantized) weights, so only float32
 * arithmetic differs. Per product of length k ≤ 1024 the typical error is √k·2⁻²⁴ of Σ|terms|
 * (Σ|terms| ≤ ~40 here), the worst case k·2⁻²⁴ of it; layer norm rescales rows to unit variance,
 * so two layers keep hidden states within a few 1e-5 typically and ~1e-4 at worst. 5e-4 keeps a
 * margin; a tiling or widening mistake moves values by 0.1 or more.
 */
class RealShapeClipTest {

    private static final Parallel PARALLEL = new Parallel(2);
    private static final ClipVisionConfig CONFIG = new ClipVisionConfig(1024, 512, 2, 16, 336, 14, 3, "quick_gelu", 1e-5);
    private static final RandomModel RANDOM = new RandomModel(23);
    private static final ClipVisionWeights F32_WEIGHTS = RANDOM.clip(CONFIG);
    private static final float[] PIXELS = RANDOM.pixels(CONFIG);
    private static final double HIDDEN_TOL = 5e-4;

    @AfterAll
    static void close() {
        PARALLEL.close();
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F16", "Q8_0"})
    void clipLWidthHiddenStatesMatchTheDoubleReference(DType dtype) {
        ClipVisionWeights weights = StoredAs.clip(F32_WEIGHTS, dtype);
        NaiveClip reference = new NaiveClip(CONFIG, weights, PIXELS);
        ClipVisionTower tower = new ClipVisionTower(CONFIG, weights, CONFIG.numHiddenLayers(), PARALLEL);
        float[][] hidden = new float[CONFIG.numHiddenLayers() + 1][];
        tower.patchFeatures(PIXELS, null,
                (index, states, rows, cols) -> hidden[index] = java.util.Arrays.copyOf(states, rows * cols));
        for (int index = 1; index <= CONFIG.numHiddenLayers(); index++) {
            assertClose(dtype + " hidden[" + index + "]", flatten(reference.hidden[index]), hidden[index], HIDDEN_TOL);
        }
    }
}
