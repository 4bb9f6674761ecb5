package vtc.engine.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import vtc.engine.tensor.DType;
import vtc.engine.tensor.Q8Quantizer;
import vtc.engine.tensor.WeightMatrix;

/** Weights written into a little-endian segment the way a checkpoint stores them. */
final class TestWeights {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private TestWeights() {
    }

    /**
     * A {@code [rows, cols]} matrix of {@code values} stored as {@code dtype}, starting one byte into
     * its allocation so every vector load is unaligned, as inside a safetensors mapping.
     */
    static WeightMatrix matrix(String name, DType dtype, int rows, int cols, float[] values) {
        if (dtype == DType.Q8_0) {
            return Q8Quantizer.quantize(matrix(name, DType.F32, rows, cols, values), Arena.ofAuto());
        }
        long bytes = (long) rows * cols * dtype.bytes();
        MemorySegment data = Arena.ofAuto().allocate(bytes + 1, 1).asSlice(1, bytes);
        for (int i = 0; i < rows * cols; i++) {
            long at = (long) i * dtype.bytes();
            switch (dtype) {
                case F32 -> data.set(F32, at, values[i]);
                case F16 -> data.set(U16, at, Float.floatToFloat16(values[i]));
                case BF16 -> data.set(U16, at, toBf16(values[i]));
            }
        }
        return new WeightMatrix(name, data, dtype, rows, cols);
    }

    /** Round to nearest even BF16 (finite inputs). */
    static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    /** The value the stored weight actually represents, widened exactly (the reference uses it). */
    static double stored(DType dtype, float v) {
        return switch (dtype) {
            case F32 -> v;
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(v));
            case BF16 -> Float.intBitsToFloat(toBf16(v) << 16);
            case Q8_0 -> throw new IllegalArgumentException("a Q8_0 value depends on its block: read it from the matrix");
        };
    }
}
