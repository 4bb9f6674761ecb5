package vtc.engine.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
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
    private static final VectorSpecies<Short> HALVES =
            VectorSpecies.of(short.class, VectorShape.forBitSize(LANES * Short.SIZE));
    /** As many 8-bit lanes as there are float lanes. */
    private static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * Byte.SIZE));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfShort U16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    /** Smallest F16 magnitude with an all-ones exponent (infinity; above it NaN). */
    static final int F16_INF = 0x7C00;
    /**
     * 2^(127−15): rebiases the exponent. The shifted bits of an F16 subnormal read as a float32
     * subnormal, and this product turns them into the right float32 normal.
     */
    private static final float F16_REBIAS = 0x1p112f;

    private WeightVectors() {
    }

    /** {@code LANES} F32 weights. */
    static FloatVector f32(MemorySegment data, long byteOffset) {
        return FloatVector.fromMemorySegment(FLOATS, data, byteOffset, LE);
    }

    /** {@code LANES} BF16 weights widened: the stored bits are the high half of a float32. */
    static FloatVector bf16(MemorySegment data, long byteOffset) {
        return halves(data, byteOffset).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /**
     * F16 values (as from {@link #halves}) whose exponent is not all ones, widened in three
     * operations: the sign stays in bit 31, exponent and mantissa move to float32 position and
     * the product rebiases the exponent (subnormals included). Infinity and NaN come out finite,
     * so callers check {@link #f16Magnitudes} against {@link #F16_INF} and handle those apart.
     */
    static FloatVector f16Finite(IntVector halves) {
        return halves.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(F16_REBIAS);
    }

    /** The F16 bits without the sign: at least {@link #F16_INF} for infinity and NaN. */
    static IntVector f16Magnitudes(IntVector halves) {
        return halves.and(0x7FFF);
    }

    /** {@code LANES} 16-bit values sign-extended to int lanes (callers mask or shift the sign away). */
    static IntVector halves(MemorySegment data, long byteOffset) {
        return (IntVector) ShortVector.fromMemorySegment(HALVES, data, byteOffset, LE)
                .convertShape(VectorOperators.S2I, INTS, 0);
    }

    /** {@code LANES} Q8_0 values widened (exactly) to float32, before their block's scale. */
    static FloatVector q8(MemorySegment data, long byteOffset) {
        return (FloatVector) ByteVector.fromMemorySegment(BYTES, data, byteOffset, LE)
                .convertShape(VectorOperators.B2F, FLOATS, 0);
    }

    /** One Q8_0 block scale broadcast to every lane. */
    static FloatVector scale(MemorySegment data, long byteOffset) {
        return FloatVector.broadcast(FLOATS, data.get(F32_LE, byteOffset));
    }

    /** Weight (row, col) widened to float32 (tails shorter than a vector). */
    static float scalar(WeightMatrix w, int row, int col) {
        MemorySegment data = w.data();
        long at = w.rowOffset(row) + (long) col * w.dtype().bytes();
        return switch (w.dtype()) {
            case F32 -> data.get(F32_LE, at);
            case BF16 -> Float.intBitsToFloat((data.get(U16_LE, at) & 0xFFFF) << 16);
            case F16 -> Float.float16ToFloat(data.get(U16_LE, at));
            case Q8_0 -> data.get(ValueLayout.JAVA_BYTE, at) * data.get(F32_LE, w.scaleOffset(row, col));
        };
    }

    /**
     * Widens {@code count} weights of row {@code row} from column {@code col} into
     * {@code dst[dstOff ..]}. One loop per dtype, so each loop body is a straight run of vector
     * instructions.
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
                FloatVector scale = scale(data, w.scaleOffset(row, col + i));
                for (int v = i; v < i + Q8Quantizer.BLOCK; v += LANES) {
                    q8(data, values + v).mul(scale).intoArray(dst, dstOff + v);
                }
            }
        }
        for (; i < count; i++) {
            dst[dstOff + i] = scalar(w, row, col + i);
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
            bf16(data, byteOffset + 2L * i).intoArray(dst, dstOff + i);
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
