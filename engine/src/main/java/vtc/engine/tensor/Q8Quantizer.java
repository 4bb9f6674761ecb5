package vtc.engine.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Quantizes a weight matrix to {@link DType#Q8_0}: each row is cut into blocks of
 * {@value #BLOCK} values; a block's scale is {@code d = max|w| / 127} and its values
 * {@code q = round(w / d)} in [−127, 127]. Rounding to nearest makes the error of every
 * reconstructed weight at most {@code d / 2} (plus float32 rounding of {@code w / d}), so a dot
 * product with an activation row errs by at most {@code Σ_blocks d_b / 2 · Σ_{i∈b} |x_i|} — the
 * bound the tests state. Half the bytes of F16 to stream per token, and exact int8 → float
 * widening in the kernels.
 */
public final class Q8Quantizer {

    /** Values per block (one scale each), as in the common Q8_0 format. */
    public static final int BLOCK = 32;

    private static final ValueLayout.OfFloat F32_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Q8Quantizer() {
    }

    /** Whether {@code w} can be quantized: whole blocks per row. */
    public static boolean fits(WeightMatrix w) {
        return w.cols() % BLOCK == 0 && w.dtype() != DType.Q8_0;
    }

    /**
     * {@code w} quantized into memory from {@code arena}.
     *
     * @throws IllegalArgumentException naming the matrix and element if it holds an infinity or
     *                                  NaN (no scale represents it), or if its rows are not whole blocks
     */
    public static WeightMatrix quantize(WeightMatrix w, Arena arena) {
        if (!fits(w)) {
            throw new IllegalArgumentException(w.name() + ": cannot quantize [" + w.rows() + ", " + w.cols()
                    + "] " + w.dtype() + " to Q8_0 (rows must be whole blocks of " + BLOCK + ")");
        }
        int rows = w.rows();
        int cols = w.cols();
        MemorySegment out = OwnedMemory.allocate(arena, DType.Q8_0.storedBytes(rows, cols));
        long scales = (long) rows * cols;
        float[] row = new float[cols];
        byte[] q = new byte[cols];
        for (int r = 0; r < rows; r++) {
            w.readRow(r, row, 0);
            for (int b = 0; b < cols; b += BLOCK) {
                float scale = blockScale(w, r, b, row);
                float inverse = scale == 0f ? 0f : 1f / scale;
                for (int i = b; i < b + BLOCK; i++) {
                    q[i] = (byte) Math.round(row[i] * inverse);
                }
                out.set(F32_LE, scales + ((long) r * cols + b) / BLOCK * Float.BYTES, scale);
            }
            MemorySegment.copy(q, 0, out, ValueLayout.JAVA_BYTE, (long) r * cols, cols);
        }
        return new WeightMatrix(w.name(), out.asReadOnly(), DType.Q8_0, rows, cols, true);
    }

    private static float blockScale(WeightMatrix w, int r, int b, float[] row) {
        float max = 0f;
        for (int i = b; i < b + BLOCK; i++) {
            if (!Float.isFinite(row[i])) {
                throw new IllegalArgumentException(w.name() + ": element [" + r + ", " + i + "] is " + row[i]
                        + "; a non-finite weight cannot be quantized to Q8_0");
            }
            max = Math.max(max, Math.abs(row[i]));
        }
        return max / 127f;
    }
}
