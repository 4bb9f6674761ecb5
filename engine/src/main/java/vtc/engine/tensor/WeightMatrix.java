package vtc.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A read-only {@code [rows, cols]} row-major matrix in its stored dtype, usually a view into a
 * memory-mapped checkpoint: nothing is copied or upcast when a model loads. Linear layers store
 * {@code [out, in]}, so {@code y = x · Wᵀ} reads one weight row per output feature.
 */
public record WeightMatrix(String name, MemorySegment data, DType dtype, int rows, int cols) {

    private static final ValueLayout.OfFloat F32_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public WeightMatrix {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(dtype, "dtype");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException(name + ": shape [" + rows + ", " + cols + "] must be positive");
        }
        if (data.byteSize() != (long) rows * cols * dtype.bytes()) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes do not hold ["
                    + rows + ", " + cols + "] " + dtype);
        }
    }

    /** Byte offset of element (row, 0) inside {@link #data()}. */
    public long rowOffset(int row) {
        return (long) row * cols * dtype.bytes();
    }

    /** One element widened to float32 (slow path: tests, embeddings, tools). */
    public float get(int row, int col) {
        long at = rowOffset(row) + (long) col * dtype.bytes();
        return switch (dtype) {
            case F32 -> data.get(F32_LE, at);
            case F16 -> Float.float16ToFloat(data.get(U16_LE, at));
            case BF16 -> Float.intBitsToFloat((data.get(U16_LE, at) & 0xFFFF) << 16);
        };
    }

    /** Copies row {@code row} widened to float32 into {@code dst[off .. off + cols)}. */
    public void readRow(int row, float[] dst, int off) {
        for (int c = 0; c < cols; c++) {
            dst[off + c] = get(row, c);
        }
    }
}
