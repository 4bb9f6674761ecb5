package vtc.engine.tensor;

/**
 * Element types weights are computed from. F32, F16 and BF16 are stored as checkpoints store
 * them; {@link #Q8_0} is made at load (see {@link Q8Quantizer}). Activations are always float32.
 */
public enum DType {
    F32(4), F16(2), BF16(2),
    /**
     * 8-bit weights in blocks of {@value Q8Quantizer#BLOCK} along a row, each block with one
     * float32 scale: {@code w ≈ q · scale}. The matrix's data holds every row's int8 values
     * ({@code rows · cols} bytes), then every block's scale in row order.
     */
    Q8_0(1);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes (for Q8_0, of its int8 value; the scales come after all of them). */
    public int bytes() {
        return bytes;
    }

    /** Bytes a {@code [rows, cols]} matrix takes in this type, scales included. */
    public long storedBytes(int rows, int cols) {
        long elements = (long) rows * cols;
        return this == Q8_0 ? elements + elements / Q8Quantizer.BLOCK * Float.BYTES : elements * bytes;
    }
}
