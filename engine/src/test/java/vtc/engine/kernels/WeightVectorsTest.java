package vtc.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import vtc.engine.tensor.DType;
import vtc.engine.tensor.WeightMatrix;

/** The in-register widening of 16-bit weights, checked exhaustively against the JDK's scalar conversions. */
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
    void everyFiniteF16PatternWidensExactlyInRegistersAndSpecialsAreFlagged() {
        // The decode kernels widen with f16Finite and flag infinity/NaN by magnitude; together the
        // two must be exact for every pattern: finite ones widened bit for bit, and a pattern
        // flagged exactly when its exponent is all ones.
        MemorySegment data = Arena.ofAuto().allocate(2 * 65536, 2);
        for (int bits = 0; bits < 65536; bits++) {
            data.set(U16, 2L * bits, (short) bits);
        }
        int lanes = WeightVectors.LANES;
        float[] widened = new float[lanes];
        int[] magnitudes = new int[lanes];
        for (int first = 0; first < 65536; first += lanes) {
            var halves = WeightVectors.halves(data, 2L * first);
            WeightVectors.f16Finite(halves).intoArray(widened, 0);
            WeightVectors.f16Magnitudes(halves).intoArray(magnitudes, 0);
            for (int l = 0; l < lanes; l++) {
                int bits = first + l;
                boolean special = (bits & 0x7C00) == 0x7C00;
                assertEquals(special, magnitudes[l] >= WeightVectors.F16_INF,
                        "pattern 0x" + Integer.toHexString(bits) + " flagged wrongly");
                if (!special) {
                    assertSame(Float.float16ToFloat((short) bits), widened[l], bits);
                }
            }
        }
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
