package vtc.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A read-only {@code [rows, cols]} row-major matrix in its stored dtype, a view into the bytes a
 * checkpoint was loaded into (process-owned memory or a file mapping): nothing is upcast when a
 * model loads. Linear layers store {@code [out, in]}, so {@code y = x · Wᵀ} reads one weight row
 * per output feature.
 *
 * @param finite true when every value is known to be finite (a scan at load proved it), so the
 *               F16 kernels may skip their infinity/NaN check; false when unknown
 */
public record WeightMatrix(String name, MemorySegment data, DType dtype, int rows, int cols, boolean finite) {

    private static final ValueLayout.OfFloat F32_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final VectorSpecies<Short> HALVES = ShortVector.SPECIES_PREFERRED;
    /** An F16 exponent of all ones: infinity or NaN. */
    private static final short F16_EXPONENT = 0x7C00;

    public WeightMatrix {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(dtype, "dtype");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException(name + ": shape [" + rows + ", " + cols + "] must be positive");
        }
        if (dtype == DType.Q8_0 && cols % Q8Quantizer.BLOCK != 0) {
            throw new IllegalArgumentException(name + ": Q8_0 rows must hold whole blocks of "
                    + Q8Quantizer.BLOCK + ", got " + cols + " columns");
        }
        if (data.byteSize() != dtype.storedBytes(rows, cols)) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes do not hold ["
                    + rows + ", " + cols + "] " + dtype);
        }
    }

    /** A matrix whose values have not been checked for infinity and NaN. */
    public WeightMatrix(String name, MemorySegment data, DType dtype, int rows, int cols) {
        this(name, data, dtype, rows, cols, dtype == DType.Q8_0);
    }

    /**
     * This matrix marked {@link #finite()} if a scan finds no infinity or NaN (only F16 kernels
     * use the mark; a scan reads every byte once, so call it on weights already in memory).
     */
    public WeightMatrix scannedForFinite() {
        if (finite || dtype != DType.F16) {
            return this;
        }
        long count = (long) rows * cols;
        long i = 0;
        for (long vectorEnd = count - count % HALVES.length(); i < vectorEnd; i += HALVES.length()) {
            ShortVector exponents = ShortVector.fromMemorySegment(HALVES, data, 2 * i, ByteOrder.LITTLE_ENDIAN)
                    .and(F16_EXPONENT);
            if (exponents.compare(VectorOperators.EQ, F16_EXPONENT).anyTrue()) {
                return this;
            }
        }
        for (; i < count; i++) {
            if ((data.get(U16_LE, 2 * i) & F16_EXPONENT) == F16_EXPONENT) {
                return this;
            }
        }
        return new WeightMatrix(name, data, dtype, rows, cols, true);
    }

    /** Byte offset of element (row, 0) inside {@link #data()} (for Q8_0, of its int8 values). */
    public long rowOffset(int row) {
        return (long) row * cols * dtype.bytes();
    }

    /** Byte offset of the scale of the Q8_0 block holding element (row, col). */
    public long scaleOffset(int row, int col) {
        return (long) rows * cols + ((long) row * cols + col) / Q8Quantizer.BLOCK * Float.BYTES;
    }

    /** One element widened to float32 (slow path: tests, embeddings, tools). */
    public float get(int row, int col) {
        long at = rowOffset(row) + (long) col * dtype.bytes();
        return switch (dtype) {
            case F32 -> data.get(F32_LE, at);
            case F16 -> Float.float16ToFloat(data.get(U16_LE, at));
            case BF16 -> Float.intBitsToFloat((data.get(U16_LE, at) & 0xFFFF) << 16);
            case Q8_0 -> data.get(ValueLayout.JAVA_BYTE, at) * data.get(F32_LE, scaleOffset(row, col));
        };
    }

    /** Copies row {@code row} widened to float32 into {@code dst[off .. off + cols)}. */
    public void readRow(int row, float[] dst, int off) {
        for (int c = 0; c < cols; c++) {
            dst[off + c] = get(row, c);
        }
    }
}
