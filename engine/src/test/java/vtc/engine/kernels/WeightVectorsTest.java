package vtc.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import vtc.engine.tensor.DType;
import vtc.engine.tensor.WeightMatrix;

/** The widening of 16-bit weights, in bulk and in the decode kernels' registers, checked exhaustively against the JDK's scalar conversions. */
class WeightVectorsTest {

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void everyF16BitPatternWidensExactly() {
        float[] widened = widenAll(DType.F16);
        for (int bits = 0; bits < 65536; bits++) {
            float expected = Float.float16ToFloat((short) bits);
            assertSame(expected, widened[bits], bits);
        }
    }

    @Test
    void everyBf16BitPatternWidensExactly() {
        float[] widened = widenAll(DType.BF16);
        for (int bits = 0; bits < 65536; bits++) {
            assertSame(Float.intBitsToFloat(bits << 16), widened[bits], bits);
        }
    }

    @Test
    void everyFiniteF16PatternWidensExactlyInTheDecodeKernels() throws InterruptedException {
        // The decode kernels widen F16 in registers as if finite. Every finite pattern is put in a
        // matrix of rows of 64 (whole vectors, so no scalar tail) and read back one column at a
        // time with a one-hot activation: each output is 0 + ... + 1·w + ... + 0, so it equals the
        // widened weight bit for bit (a −0 weight gives +0, the same as the scalar sum below).
        // Both kernels are run: the checked one (matrix not scanned) and the one for scanned matrices.
        int k = 64;
        short[] finite = new short[65536 - 2 * 1024];
        int count = 0;
        for (int bits = 0; bits < 65536; bits++) {
            if ((bits & 0x7C00) != 0x7C00) {
                finite[count++] = (short) bits;
            }
        }
        WeightMatrix unchecked = f16Matrix(finite, count / k, k);
        WeightMatrix scanned = unchecked.scannedForFinite();
        assertTrue(scanned.finite());
        try (Parallel one = new Parallel(1)) {
            for (WeightMatrix w : new WeightMatrix[] {unchecked, scanned}) {
                float[] out = new float[w.rows()];
                for (int c = 0; c < k; c++) {
                    float[] x = new float[k];
                    x[c] = 1f;
                    MatMul.matmul(one, x, 0, 1, w, null, out, 0);
                    for (int j = 0; j < w.rows(); j++) {
                        int bits = finite[j * k + c] & 0xFFFF;
                        assertSame(0f + Float.float16ToFloat((short) bits), out[j], bits);
                    }
                }
            }
        }
    }

    @Test
    void everyF16InfinityAndNanIsFlaggedByTheDecodeKernel() throws InterruptedException {
        // Each row holds one infinity or NaN among zeros. Widened as if finite it would come out
        // a finite number, so the row's sum is right only if the kernel flagged the row and it
        // was redone exactly: ±inf, or NaN.
        int k = 64;
        short[] rows = new short[2048 * k];
        int row = 0;
        for (int bits = 0; bits < 65536; bits++) {
            if ((bits & 0x7C00) == 0x7C00) {
                rows[row * k + row % k] = (short) bits;
                row++;
            }
        }
        WeightMatrix w = f16Matrix(rows, row, k);
        float[] x = new float[k];
        Arrays.fill(x, 1f);
        float[] out = new float[row];
        try (Parallel one = new Parallel(1)) {
            MatMul.matmul(one, x, 0, 1, w, null, out, 0);
        }
        for (int j = 0; j < row; j++) {
            int bits = rows[j * k + j % k] & 0xFFFF;
            assertSame(Float.float16ToFloat((short) bits), out[j], bits);
        }
    }

    private static WeightMatrix f16Matrix(short[] bits, int rows, int cols) {
        MemorySegment data = Arena.ofAuto().allocate(2L * rows * cols, 2);
        for (int i = 0; i < rows * cols; i++) {
            data.set(U16, 2L * i, bits[i]);
        }
        return new WeightMatrix("f16", data, DType.F16, rows, cols);
    }

    /** All 65536 patterns in one segment, starting at an odd address (unaligned vector loads). */
    private static float[] widenAll(DType dtype) {
        MemorySegment data = Arena.ofAuto().allocate(2 * 65536 + 1, 1).asSlice(1, 2 * 65536);
        for (int bits = 0; bits < 65536; bits++) {
            data.set(U16, 2L * bits, (short) bits);
        }
        float[] out = new float[65536 + 3];
        WeightMatrix all = new WeightMatrix("all", data, dtype, 1, 65536);
        WeightVectors.widen(all, 0, 0, 65536 - 5, out, 3); // vector body and a scalar tail
        WeightVectors.widen(all, 0, 65536 - 5, 5, out, 65536 - 2);
        float[] aligned = new float[65536];
        System.arraycopy(out, 3, aligned, 0, 65536);
        return aligned;
    }

    private static void assertSame(float expected, float actual, int bits) {
        if (Float.isNaN(expected)) {
            assertTrue(Float.isNaN(actual), () -> "pattern 0x" + Integer.toHexString(bits) + " must widen to NaN");
        } else {
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                    () -> "pattern 0x" + Integer.toHexString(bits) + ": expected " + expected + ", got " + actual);
        }
    }
}
