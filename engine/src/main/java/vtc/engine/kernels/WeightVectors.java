package vtc.engine.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import vtc.engine.tensor.Q8Quantizer;
import vtc.engine.tensor.WeightMatrix;

/**
 * Widens stored weights (little-endian, possibly unaligned) to float32: BF16 as
 * {@code bits << 16}, F32 as is, F16 in bulk with the CPU's conversion instruction (exact for
 * normals, subnormals, ±0, ±inf and NaN) or, inside the decode kernels, in registers for every
 * value but infinity and NaN; Q8_0 as its int8 value times its block's scale.
 */
final class WeightVectors {

    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    static final int LANES = FLOATS.length();
    static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
    /** As many 16-bit lanes as there are float lanes. */
    static final VectorSpecies<Short> HALVES =
            VectorSpecies.of(short.class, VectorShape.forBitSize(LANES * Short.SIZE));
    /** As many 8-bit lanes as there are float lanes. */
    static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * Byte.SIZE));
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfShort U16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    /*
     * F16 widened in registers, for every value whose exponent is not all ones, in three
     * operations on the 16 bits sign-extended to an int lane h:
     *   ((h << F16_SHIFT) & F16_KEEP) as float32, times F16_REBIAS.
     * The shift puts exponent and mantissa at their float32 places, the mask keeps them and the
     * sign (which sign extension left in bit 31), and the product rebiases the exponent by
     * 2^(127−15); an F16 subnormal reads as a float32 subnormal there, and the product makes it
     * the right normal. That costs the x86 cores here a microcode assist per such vector: on
     * L1-resident Gaussian rows (about one value in 550 subnormal) the kernel runs 2.7 times
     * slower than on the same rows without them. Widening a 512-column window with the CPU's
     * conversion instead avoided that, but was measured 27 % slower on a whole decode step of
     * llava-mini, so the registers stay (README, "Why F16 stays below llama.cpp").
     * Infinity and NaN come out finite, so the decode kernels also take
     * (h & F16_MAGNITUDE) and redo a row exactly if that reached F16_INF. The kernels write this
     * out in their loop bodies (see DecodeKernels for why no helper method does it).
     */
    static final int F16_SHIFT = 13;
    static final int F16_KEEP = 0x8FFFE000;
    static final float F16_REBIAS = 0x1p112f;
    /** The F16 bits without the sign. */
    static final int F16_MAGNITUDE = 0x7FFF;
    /** Smallest F16 magnitude with an all-ones exponent (infinity; above it NaN). */
    static final int F16_INF = 0x7C00;

    private WeightVectors() {
    }

    /**
     * Widens {@code count} weights of row {@code row} from column {@code col} into
     * {@code dst[dstOff ..]}. One loop per dtype, so each loop body is a straight run of vector
     * instructions, written with Vector API calls only (no helper returning a vector: see
     * DecodeKernels on why such a helper can end up boxing).
     */
    static void widen(WeightMatrix w, int row, int col, int count, float[] dst, int dstOff) {
        MemorySegment data = w.data();
        long byteOffset = w.rowOffset(row) + (long) col * w.dtype().bytes();
        switch (w.dtype()) {
            case F32 -> widenF32(data, byteOffset, count, dst, dstOff);
            case BF16 -> widenBf16(data, byteOffset, count, dst, dstOff);
            case F16 -> widenF16(data, byteOffset, count, dst, dstOff);
            case Q8_0 -> widenQ8(w, row, col, count, dst, dstOff);
        }
    }

    /** Q8_0: whole blocks as vectors times their scale, a partial block one value at a time. */
    private static void widenQ8(WeightMatrix w, int row, int col, int count, float[] dst, int dstOff) {
        MemorySegment data = w.data();
        long values = w.rowOffset(row) + col;
        int i = 0;
        if (col % Q8Quantizer.BLOCK == 0 && Q8Quantizer.BLOCK % LANES == 0) {
            for (; i + Q8Quantizer.BLOCK <= count; i += Q8Quantizer.BLOCK) {
                float scale = data.get(F32_LE, w.scaleOffset(row, col + i));
                for (int v = i; v < i + Q8Quantizer.BLOCK; v += LANES) {
                    ((FloatVector) ByteVector.fromMemorySegment(BYTES, data, values + v, LE)
                            .convertShape(VectorOperators.B2F, FLOATS, 0)).mul(scale).intoArray(dst, dstOff + v);
                }
            }
        }
        for (; i < count; i++) {
            dst[dstOff + i] = w.get(row, col + i);
        }
    }

    private static void widenF32(MemorySegment data, long byteOffset, int count, float[] dst, int dstOff) {
        int i = 0;
        for (; i <= count - LANES; i += LANES) {
            FloatVector.fromMemorySegment(FLOATS, data, byteOffset + 4L * i, LE).intoArray(dst, dstOff + i);
        }
        for (; i < count; i++) {
            dst[dstOff + i] = data.get(F32_LE, byteOffset + 4L * i);
        }
    }

    private static void widenBf16(MemorySegment data, long byteOffset, int count, float[] dst, int dstOff) {
        int i = 0;
        for (; i <= count - LANES; i += LANES) {
            ((IntVector) ShortVector.fromMemorySegment(HALVES, data, byteOffset + 2L * i, LE)
                    .convertShape(VectorOperators.S2I, INTS, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, dstOff + i);
        }
        for (; i < count; i++) {
            dst[dstOff + i] = Float.intBitsToFloat((data.get(U16_LE, byteOffset + 2L * i) & 0xFFFF) << 16);
        }
    }

    /**
     * A plain loop over {@link Float#float16ToFloat}: the JIT vectorizes it to the CPU's F16
     * conversion instruction, about three times faster than widening with vector arithmetic,
     * and exact for every pattern.
     */
    private static void widenF16(MemorySegment data, long byteOffset, int count, float[] dst, int dstOff) {
        for (int i = 0; i < count; i++) {
            dst[dstOff + i] = Float.float16ToFloat(data.get(U16_LE, byteOffset + 2L * i));
        }
    }
}
