package vtc.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Q8_0 scheme: scales, the per-weight error bound it promises, refusals; and the F16 finiteness scan. */
class Q8QuantizerTest {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static WeightMatrix f32(float[] values, int rows, int cols) {
        MemorySegment data = Arena.ofAuto().allocate(4L * values.length, 4);
        for (int i = 0; i < values.length; i++) {
            data.set(F32, 4L * i, values[i]);
        }
        return new WeightMatrix("w", data, DType.F32, rows, cols);
    }

    /**
     * Every reconstructed weight is within half a quantization step of the original, the step
     * being its block's {@code max|w| / 127}: round-to-nearest of {@code w / d} errs by at most
     * 1/2, plus the float32 rounding of {@code w · (1/d)} (relative 2⁻²³ twice, on values ≤ 127,
     * so at most 127 · 2⁻²² · d ≈ 3e-5 · d).
     */
    @Test
    void everyWeightIsWithinHalfAStepOfItsBlock() {
        Random random = new Random(3);
        int rows = 9, cols = 256;
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            // Blocks of very different magnitudes, and one all-zero block.
            v[i] = i / 32 == 5 ? 0f : (float) (random.nextGaussian() * Math.pow(10, (i / 32) % 7 - 3));
        }
        WeightMatrix q = Q8Quantizer.quantize(f32(v, rows, cols), Arena.ofAuto());
        assertEquals(DType.Q8_0, q.dtype());
        assertTrue(q.finite());
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < cols; b += Q8Quantizer.BLOCK) {
                float max = 0;
                for (int i = b; i < b + Q8Quantizer.BLOCK; i++) {
                    max = Math.max(max, Math.abs(v[r * cols + i]));
                }
                double step = max / 127.0;
                for (int i = b; i < b + Q8Quantizer.BLOCK; i++) {
                    double err = Math.abs(q.get(r, i) - (double) v[r * cols + i]);
                    assertTrue(err <= step * (0.5 + 3e-5) + Float.MIN_NORMAL,
                            "w[" + r + "][" + i + "]: error " + err + " > half step " + step / 2);
                }
            }
        }
    }

    @Test
    void largestMagnitudeOfABlockIsExact() {
        float[] v = new float[32];
        v[7] = -3.75f;
        v[8] = 1f;
        WeightMatrix q = Q8Quantizer.quantize(f32(v, 1, 32), Arena.ofAuto());
        assertEquals(-3.75f, q.get(0, 7), 1e-6f);
        assertEquals(0f, q.get(0, 0));
    }

    @Test
    void refusesNonFiniteWeightsAndPartialBlocksNamingTheMatrix() {
        float[] v = new float[64];
        v[40] = Float.NaN;
        var e = assertThrows(IllegalArgumentException.class, () -> Q8Quantizer.quantize(f32(v, 2, 32), Arena.ofAuto()));
        assertTrue(e.getMessage().contains("w: element [1, 8]"), e.getMessage());
        var partial = assertThrows(IllegalArgumentException.class,
                () -> Q8Quantizer.quantize(f32(new float[40], 2, 20), Arena.ofAuto()));
        assertTrue(partial.getMessage().contains("whole blocks"), partial.getMessage());
    }

    @Test
    void finiteScanMarksOnlyF16MatricesWithoutInfinityOrNan() {
        int n = 1000; // not a multiple of any vector length: the tail is scanned too
        MemorySegment data = Arena.ofAuto().allocate(2L * n, 2);
        for (int i = 0; i < n; i++) {
            data.set(U16, 2L * i, Float.floatToFloat16((i - 500) * 0.1f));
        }
        WeightMatrix w = new WeightMatrix("h", data, DType.F16, 10, 100);
        assertFalse(w.finite());
        assertTrue(w.scannedForFinite().finite());
        for (int at : new int[] {3, 999}) {
            for (short special : new short[] {(short) 0x7C00, (short) 0xFC00, (short) 0x7E01}) {
                short old = data.get(U16, 2L * at);
                data.set(U16, 2L * at, special);
                assertFalse(w.scannedForFinite().finite(), "value " + Integer.toHexString(special) + " at " + at);
                data.set(U16, 2L * at, old);
            }
        }
    }
}
