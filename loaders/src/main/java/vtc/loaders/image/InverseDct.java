package vtc.loaders.image;

/**
 * Dequantization and the 8×8 inverse DCT in integer arithmetic, computing exactly what
 * libjpeg-turbo's default ("islow", the one Pillow gets) computes, so the samples match bit for
 * bit: the same algorithm (Loeffler, Ligtenberg and Moschytz's, with 12 multiplications), the same
 * 13-bit constants, the same rounding after each of the two passes and the same range limiting.
 *
 * <p>The 1-D transform runs down the columns first, keeping 2 extra bits of precision (PASS1_BITS)
 * in an integer work array, then along the rows. Each pass splits the 8 inputs into an even part
 * (inputs 0, 2, 4, 6: a 4-point transform with one rotation) and an odd part (1, 3, 5, 7: the
 * rotations of the figure-8 butterfly, sharing the multiplication by √2·c3), and combines them
 * into the outputs as sum and difference. Results are scaled by 8 (two passes of √8) and so are
 * shifted right by 3 more bits at the end.
 *
 * <p>The final samples get 128 added (level shift, T.81 A.3.1) and are limited to 0–255 the way
 * libjpeg's table does it: the value is first wrapped to 10 bits (so a wildly out-of-range value
 * from corrupt data wraps instead of saturating), then clamped.
 */
final class InverseDct {

    private static final int CONST_BITS = 13;
    private static final int PASS1_BITS = 2;
    /** The 13-bit fixed-point constants: round(x · 2^13). */
    private static final long FIX_0_298631336 = 2446;
    private static final long FIX_0_390180644 = 3196;
    private static final long FIX_0_541196100 = 4433;
    private static final long FIX_0_765366865 = 6270;
    private static final long FIX_0_899976223 = 7373;
    private static final long FIX_1_175875602 = 9633;
    private static final long FIX_1_501321110 = 12299;
    private static final long FIX_1_847759065 = 15137;
    private static final long FIX_1_961570560 = 16069;
    private static final long FIX_2_053119869 = 16819;
    private static final long FIX_2_562915447 = 20995;
    private static final long FIX_3_072711026 = 25172;

    /** Scratch space, reused from block to block: one transformer per decoding thread. */
    private final int[] work = new int[64];
    private final long[] x = new long[8];
    private final long[] even = new long[4];
    private final long[] odd = new long[4];

    /**
     * Transforms one block.
     *
     * @param coefficients quantized coefficients in natural (row-major) order, from {@code at}
     * @param quant        the quantization table in natural order, each value cast to 16 bits as
     *                     libjpeg stores it (a 16-bit table entry above 32767 is negative there)
     * @param out          receives the 64 samples (0–255, as unsigned bytes), row-major
     */
    void transform(short[] coefficients, int at, int[] quant, byte[] out) {
        for (int col = 0; col < 8; col++) {
            boolean acZero = true;
            for (int row = 1; row < 8 && acZero; row++) {
                acZero = coefficients[at + row * 8 + col] == 0;
            }
            if (acZero) {
                // A column with only its DC term is flat: every output is the DC, scaled.
                int dc = coefficients[at + col] * quant[col] << PASS1_BITS;
                for (int row = 0; row < 8; row++) {
                    work[row * 8 + col] = dc;
                }
                continue;
            }
            for (int row = 0; row < 8; row++) {
                x[row] = (long) coefficients[at + row * 8 + col] * quant[row * 8 + col];
            }
            butterflies(x, even, odd);
            int shift = CONST_BITS - PASS1_BITS;
            for (int j = 0; j < 4; j++) {
                work[j * 8 + col] = (int) descale(even[j] + odd[3 - j], shift);
                work[(7 - j) * 8 + col] = (int) descale(even[j] - odd[3 - j], shift);
            }
        }
        for (int row = 0; row < 8; row++) {
            int w = row * 8;
            for (int j = 0; j < 8; j++) {
                x[j] = work[w + j];
            }
            butterflies(x, even, odd);
            int shift = CONST_BITS + PASS1_BITS + 3;
            for (int j = 0; j < 4; j++) {
                out[w + j] = (byte) rangeLimit(descale(even[j] + odd[3 - j], shift));
                out[w + 7 - j] = (byte) rangeLimit(descale(even[j] - odd[3 - j], shift));
            }
        }
    }

    /**
     * The 1-D transform of x[0..7] up to its last butterfly: {@code even} gets the even part's
     * four outputs (for outputs 0, 1, 2, 3) and {@code odd} the odd part's (for outputs 3, 2, 1, 0),
     * both scaled by 2^13. Output j is even[j] + odd[3 − j], output 7 − j their difference.
     */
    private static void butterflies(long[] x, long[] even, long[] odd) {
        // Even part: inputs 2 and 6 through the rotation by √2·c6, inputs 0 and 4 as sum and difference.
        long z1 = (x[2] + x[6]) * FIX_0_541196100;
        long tmp2 = z1 - x[6] * FIX_1_847759065;
        long tmp3 = z1 + x[2] * FIX_0_765366865;
        long tmp0 = (x[0] + x[4]) << CONST_BITS;
        long tmp1 = (x[0] - x[4]) << CONST_BITS;
        even[0] = tmp0 + tmp3;
        even[3] = tmp0 - tmp3;
        even[1] = tmp1 + tmp2;
        even[2] = tmp1 - tmp2;

        // Odd part: inputs 7, 5, 3, 1, whose matrix is orthogonal, so its transpose inverts it.
        long i7 = x[7];
        long i5 = x[5];
        long i3 = x[3];
        long i1 = x[1];
        long s71 = i7 + i1;
        long s53 = i5 + i3;
        long s73 = i7 + i3;
        long s51 = i5 + i1;
        long z5 = (s73 + s51) * FIX_1_175875602;
        long p7 = i7 * FIX_0_298631336;
        long p5 = i5 * FIX_2_053119869;
        long p3 = i3 * FIX_3_072711026;
        long p1 = i1 * FIX_1_501321110;
        long q71 = -s71 * FIX_0_899976223;
        long q53 = -s53 * FIX_2_562915447;
        long q73 = -s73 * FIX_1_961570560 + z5;
        long q51 = -s51 * FIX_0_390180644 + z5;
        odd[0] = p7 + q71 + q73; // pairs with output 3
        odd[1] = p5 + q53 + q51; // output 2
        odd[2] = p3 + q53 + q73; // output 1
        odd[3] = p1 + q71 + q51; // output 0
    }

    /** Division by 2^n rounded half up, as an arithmetic shift. */
    private static long descale(long x, int n) {
        return (x + (1L << (n - 1))) >> n;
    }

    /** The level shift and libjpeg's range limit: wrap to 10 bits (−512…511), add 128, clamp to 0–255. */
    private static int rangeLimit(long x) {
        int wrapped = ((int) x << 22) >> 22;
        int v = wrapped + 128;
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
