package vtc.loaders.image;

/**
 * VP8's two inverse transforms (RFC 6386, section 14), in exact integer arithmetic.
 *
 * <p>The <em>Walsh–Hadamard transform</em> turns the Y2 block of a macroblock predicted as a whole
 * back into the DC coefficients of its sixteen luma subblocks. The <em>inverse DCT</em> turns a
 * subblock's sixteen dequantised coefficients into a 4×4 residual, added to the prediction and
 * clamped to 0..255. It approximates the two DCT rotations with {@code x * sqrt(2) * cos(pi/8)} as
 * {@code x + (x * 20091 >> 16)} and {@code x * sqrt(2) * sin(pi/8)} as {@code x * 35468 >> 16};
 * it runs down the columns first, then along the rows with rounding, as libwebp does (the order
 * and the rounding are part of the bit-exact result).
 *
 * <p>Coefficients are 16-bit, as in the reference decoders: a product that does not fit wraps.
 */
final class Vp8InverseTransform {

    private Vp8InverseTransform() {
    }

    private static int mulCos(int x) {
        return ((x * 20091) >> 16) + x;
    }

    private static int mulSin(int x) {
        return (x * 35468) >> 16;
    }

    /**
     * Adds the inverse DCT of {@code coefficients[from, from + 16)} (raster order) to the 4×4
     * block of {@code pixels} at {@code at}, rows {@code stride} apart, clamping to 0..255.
     */
    static void addInverseDct(short[] coefficients, int from, int[] pixels, int at, int stride) {
        int[] t = new int[16];
        for (int i = 0; i < 4; i++) { // vertical pass, column i
            int c0 = coefficients[from + i], c4 = coefficients[from + 4 + i];
            int c8 = coefficients[from + 8 + i], c12 = coefficients[from + 12 + i];
            int a = c0 + c8;
            int b = c0 - c8;
            int c = mulSin(c4) - mulCos(c12);
            int d = mulCos(c4) + mulSin(c12);
            t[4 * i] = a + d;
            t[4 * i + 1] = b + c;
            t[4 * i + 2] = b - c;
            t[4 * i + 3] = a - d;
        }
        for (int i = 0; i < 4; i++) { // horizontal pass, row i
            int dc = t[i] + 4; // rounds the final >> 3
            int a = dc + t[8 + i];
            int b = dc - t[8 + i];
            int c = mulSin(t[4 + i]) - mulCos(t[12 + i]);
            int d = mulCos(t[4 + i]) + mulSin(t[12 + i]);
            int row = at + i * stride;
            pixels[row] = Vp8IntraPrediction.clamp255(pixels[row] + ((a + d) >> 3));
            pixels[row + 1] = Vp8IntraPrediction.clamp255(pixels[row + 1] + ((b + c) >> 3));
            pixels[row + 2] = Vp8IntraPrediction.clamp255(pixels[row + 2] + ((b - c) >> 3));
            pixels[row + 3] = Vp8IntraPrediction.clamp255(pixels[row + 3] + ((a - d) >> 3));
        }
    }

    /**
     * The inverse Walsh–Hadamard transform of the Y2 block {@code y2[0, 16)}: writes the DC of
     * luma subblock {@code n} to {@code coefficients[16 * n]}.
     */
    static void inverseWalshHadamard(short[] y2, short[] coefficients) {
        int[] t = new int[16];
        for (int i = 0; i < 4; i++) { // vertical pass
            int a0 = y2[i] + y2[12 + i];
            int a1 = y2[4 + i] + y2[8 + i];
            int a2 = y2[4 + i] - y2[8 + i];
            int a3 = y2[i] - y2[12 + i];
            t[i] = a0 + a1;
            t[8 + i] = a0 - a1;
            t[4 + i] = a3 + a2;
            t[12 + i] = a3 - a2;
        }
        for (int i = 0; i < 4; i++) { // horizontal pass, with rounding
            int dc = t[4 * i] + 3;
            int a0 = dc + t[4 * i + 3];
            int a1 = t[4 * i + 1] + t[4 * i + 2];
            int a2 = t[4 * i + 1] - t[4 * i + 2];
            int a3 = dc - t[4 * i + 3];
            coefficients[16 * (4 * i)] = (short) ((a0 + a1) >> 3);
            coefficients[16 * (4 * i + 1)] = (short) ((a3 + a2) >> 3);
            coefficients[16 * (4 * i + 2)] = (short) ((a0 - a1) >> 3);
            coefficients[16 * (4 * i + 3)] = (short) ((a3 - a2) >> 3);
        }
    }
}
