package vtc.loaders.image;

/**
 * The residual coefficients of a VP8 macroblock (RFC 6386, section 13), read from its token
 * partition: for a macroblock predicted as a whole, first the Y2 block (the sixteen luma DCs,
 * block type 1), then the sixteen luma subblocks (type 0, from the second coefficient on, or type
 * 3 with their own DC when predicted by subblocks), then four U and four V blocks (type 2).
 *
 * <p>Each block is a sequence of tokens in zig-zag order: end of block, zero, or a value (1, 2, 3,
 * 4, or one of six categories of larger values with extra bits), each followed by a sign. The
 * probabilities depend on the block type, the coefficient's band, and a context: for the first
 * token, how many of the blocks above and to the left had non-zero coefficients; later, whether
 * the previous token was zero, one, or larger. After a zero no end of block can follow. Values are
 * dequantised as they are read.
 *
 * <p>The "had non-zero coefficients" flags live on between macroblocks: nine per macroblock
 * column along the row above (four luma, two U, two V, Y2) and nine for the macroblock to the left.
 */
final class Vp8Residuals {

    /** Raster position of each zig-zag index. */
    private static final int[] ZIGZAG = {0, 1, 4, 8, 5, 2, 3, 6, 9, 12, 13, 10, 7, 11, 14, 15};
    /** Probabilities of the extra bits of categories 3..6 (values 11+, 19+, 35+, 67+). */
    private static final int[][] CATEGORY_BITS = {
            {173, 148, 140},
            {176, 155, 140, 135},
            {180, 157, 141, 134, 130},
            {254, 254, 243, 230, 196, 177, 153, 140, 133, 130, 129},
    };

    private static final int TYPE_LUMA_AFTER_Y2 = 0;
    private static final int TYPE_Y2 = 1;
    private static final int TYPE_CHROMA = 2;
    private static final int TYPE_LUMA = 3;

    private final int[] probabilities;
    /** Per macroblock column: flags 0..3 luma columns, 4..5 U, 6..7 V, 8 Y2. */
    private final boolean[] above;
    private final boolean[] left = new boolean[9];
    private final short[] y2 = new short[16];

    Vp8Residuals(Vp8FrameHeader header) {
        this.probabilities = header.tokenProbabilities;
        this.above = new boolean[9 * header.macroblocksWide];
    }

    void startRow() {
        java.util.Arrays.fill(left, false);
    }

    /**
     * What a macroblock's coefficients amount to: for each of the 24 blocks (16 luma, 4 U, 4 V)
     * whether it has anything to add ({@code nonZero}), which decides the transform and, together,
     * whether the loop filter treats the macroblock's inner edges.
     */
    static final class Coefficients {
        /** 24 blocks of 16 dequantised coefficients in raster order: luma, then U, then V. */
        final short[] values = new short[24 * 16];
        final boolean[] nonZero = new boolean[24];

        boolean any() {
            for (boolean b : nonZero) {
                if (b) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A macroblock without coded coefficients: resets the contexts as the format requires. */
    void skip(int mbX, boolean bySubblocks, Coefficients out) {
        java.util.Arrays.fill(out.values, (short) 0);
        java.util.Arrays.fill(out.nonZero, false);
        int a = 9 * mbX;
        for (int i = 0; i < 8; i++) {
            above[a + i] = false;
            left[i] = false;
        }
        if (!bySubblocks) { // the Y2 context is kept across macroblocks that have no Y2 block
            above[a + 8] = false;
            left[8] = false;
        }
    }

    /** Reads the coefficients of macroblock {@code mbX} into {@code out}. */
    void read(Vp8BoolDecoder in, int mbX, boolean bySubblocks, Vp8Quantizer.Factors q, Coefficients out) {
        short[] c = out.values;
        java.util.Arrays.fill(c, (short) 0);
        int a = 9 * mbX;
        int first;
        int lumaType;
        if (!bySubblocks) {
            java.util.Arrays.fill(y2, (short) 0);
            int context = (above[a + 8] ? 1 : 0) + (left[8] ? 1 : 0);
            int n = readBlock(in, TYPE_Y2, context, 0, q.y2(), y2, 0);
            above[a + 8] = left[8] = n > 0;
            Vp8InverseTransform.inverseWalshHadamard(y2, c);
            first = 1;
            lumaType = TYPE_LUMA_AFTER_Y2;
        } else {
            first = 0;
            lumaType = TYPE_LUMA;
        }
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                int block = 4 * y + x;
                int context = (above[a + x] ? 1 : 0) + (left[y] ? 1 : 0);
                int n = readBlock(in, lumaType, context, first, q.luma(), c, 16 * block);
                above[a + x] = left[y] = n > first;
                out.nonZero[block] = n > 1 || c[16 * block] != 0;
            }
        }
        for (int plane = 0; plane < 2; plane++) { // U then V, each 2×2 blocks
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 2; x++) {
                    int block = 16 + 4 * plane + 2 * y + x;
                    int ai = a + 4 + 2 * plane + x;
                    int li = 4 + 2 * plane + y;
                    int context = (above[ai] ? 1 : 0) + (left[li] ? 1 : 0);
                    int n = readBlock(in, TYPE_CHROMA, context, 0, q.chroma(), c, 16 * block);
                    above[ai] = left[li] = n > 0;
                    out.nonZero[block] = n > 1 || c[16 * block] != 0;
                }
            }
        }
    }

    /**
     * Reads one block's tokens from zig-zag index {@code first} on, writing dequantised values to
     * {@code out[at + raster position]}.
     *
     * @return the zig-zag index at which the block ended (16 if it ran to the end)
     */
    private int readBlock(Vp8BoolDecoder in, int type, int context, int first, int[] factor, short[] out, int at) {
        int[] p = probabilities;
        int n = first;
        int base = branches(type, n, context);
        while (n < 16) {
            if (!in.readBool(p[base])) {
                return n; // end of block
            }
            while (!in.readBool(p[base + 1])) { // a zero: the next token cannot end the block
                n++;
                if (n == 16) {
                    return 16;
                }
                base = branches(type, n, 0);
            }
            int value;
            int nextContext;
            if (!in.readBool(p[base + 2])) {
                value = 1;
                nextContext = 1;
            } else {
                value = largeValue(in, p, base);
                nextContext = 2;
            }
            int signed = in.readBool(128) ? -value : value;
            // 16-bit storage as in the reference decoders
            out[at + ZIGZAG[n]] = (short) (signed * factor[n > 0 ? 1 : 0]);
            n++;
            if (n < 16) {
                base = branches(type, n, nextContext);
            }
        }
        return 16;
    }

    private static int branches(int type, int n, int context) {
        int band = Vp8TokenProbabilities.BAND_OF_POSITION[n];
        return ((type * Vp8TokenProbabilities.BANDS + band) * Vp8TokenProbabilities.CONTEXTS + context)
                * Vp8TokenProbabilities.BRANCHES;
    }

    /** A token value of 2 or more: the tree's branches 3..10, then a category's extra bits. */
    private static int largeValue(Vp8BoolDecoder in, int[] p, int base) {
        if (!in.readBool(p[base + 3])) {
            if (!in.readBool(p[base + 4])) {
                return 2;
            }
            return 3 + (in.readBool(p[base + 5]) ? 1 : 0);
        }
        if (!in.readBool(p[base + 6])) {
            if (!in.readBool(p[base + 7])) {
                return 5 + (in.readBool(159) ? 1 : 0); // category 1: 5..6
            }
            int v = 7 + 2 * (in.readBool(165) ? 1 : 0); // category 2: 7..10
            return v + (in.readBool(145) ? 1 : 0);
        }
        int high = in.readBool(p[base + 8]) ? 1 : 0;
        int category = 2 * high + (in.readBool(p[base + 9 + high]) ? 1 : 0); // categories 3..6
        int extra = 0;
        for (int prob : CATEGORY_BITS[category]) {
            extra = 2 * extra + (in.readBool(prob) ? 1 : 0);
        }
        return extra + 3 + (8 << category);
    }
}
