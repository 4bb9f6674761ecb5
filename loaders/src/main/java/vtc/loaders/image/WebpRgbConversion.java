package vtc.loaders.image;

/**
 * From a decoded VP8 frame (4:2:0 YCbCr) to RGB, as libwebp's default output does it — which
 * is what Pillow shows, so the arithmetic below is libwebp's, rounding included.
 *
 * <p><em>Fancy upsampling.</em> Each chroma sample sits at the centre of a 2×2 block of luma
 * pixels. A pixel's chroma is interpolated from the four nearest samples with weights 9, 3, 3, 1
 * (sixteenths), the nearest weighing most; libwebp computes this in two rounded steps (first the
 * diagonal averages, then the average with the nearest sample), which this class repeats. The
 * first and last rows and columns, which have only two nearer samples, use weights 3 and 1.
 *
 * <p><em>Colour conversion.</em> BT.601 with studio range ({@code Y} 16..235), in 14-bit fixed
 * point: each term is {@code (value * coefficient) >> 8}, the sum is offset, then shifted down by
 * 6 and clamped to 0..255.
 */
final class WebpRgbConversion {

    private WebpRgbConversion() {
    }

    /** The frame's visible pixels as RGB, {@code width × height × 3} bytes. */
    static byte[] toRgb(Vp8Decoder.Frame f) {
        int w = f.width();
        int h = f.height();
        byte[] rgb = new byte[w * h * 3];
        // Row 0 uses chroma row 0 alone; then each pair of rows (2k-1, 2k) lies between chroma
        // rows k-1 and k; an even height leaves the last row with the last chroma row alone.
        linePair(f, 0, -1, 0, 0, rgb);
        for (int y = 1; y + 1 < h; y += 2) {
            int k = (y + 1) >> 1;
            linePair(f, y, y + 1, k - 1, k, rgb);
        }
        if ((h & 1) == 0) {
            int k = (h - 1) >> 1;
            linePair(f, h - 1, -1, k, k, rgb);
        }
        return rgb;
    }

    /**
     * Converts luma row {@code topY} (and {@code bottomY}, unless it is -1) using chroma rows
     * {@code topC} (nearer to the top row) and {@code bottomC} (nearer to the bottom row).
     */
    private static void linePair(Vp8Decoder.Frame f, int topY, int bottomY, int topC, int bottomC, byte[] rgb) {
        int w = f.width();
        byte[] u = f.u();
        byte[] v = f.v();
        int tc = topC * f.uvStride();
        int bc = bottomC * f.uvStride();
        // per channel: tl = top row sample to the left, l = bottom row sample to the left
        int tlU = u[tc] & 0xFF, tlV = v[tc] & 0xFF;
        int lU = u[bc] & 0xFF, lV = v[bc] & 0xFF;
        put(f, rgb, topY, 0, (3 * tlU + lU + 2) >> 2, (3 * tlV + lV + 2) >> 2);
        if (bottomY >= 0) {
            put(f, rgb, bottomY, 0, (3 * lU + tlU + 2) >> 2, (3 * lV + tlV + 2) >> 2);
        }
        int lastPair = (w - 1) >> 1;
        for (int x = 1; x <= lastPair; x++) {
            int tU = u[tc + x] & 0xFF, tV = v[tc + x] & 0xFF;
            int cU = u[bc + x] & 0xFF, cV = v[bc + x] & 0xFF;
            // the two diagonals' averages: 9-3-3-1 weights in two rounded halvings
            int avgU = tlU + tU + lU + cU + 8, avgV = tlV + tV + lV + cV + 8;
            int diag12U = (avgU + 2 * (tU + lU)) >> 3, diag12V = (avgV + 2 * (tV + lV)) >> 3;
            int diag03U = (avgU + 2 * (tlU + cU)) >> 3, diag03V = (avgV + 2 * (tlV + cV)) >> 3;
            put(f, rgb, topY, 2 * x - 1, (diag12U + tlU) >> 1, (diag12V + tlV) >> 1);
            put(f, rgb, topY, 2 * x, (diag03U + tU) >> 1, (diag03V + tV) >> 1);
            if (bottomY >= 0) {
                put(f, rgb, bottomY, 2 * x - 1, (diag03U + lU) >> 1, (diag03V + lV) >> 1);
                put(f, rgb, bottomY, 2 * x, (diag12U + cU) >> 1, (diag12V + cV) >> 1);
            }
            tlU = tU;
            tlV = tV;
            lU = cU;
            lV = cV;
        }
        if ((w & 1) == 0) {
            put(f, rgb, topY, w - 1, (3 * tlU + lU + 2) >> 2, (3 * tlV + lV + 2) >> 2);
            if (bottomY >= 0) {
                put(f, rgb, bottomY, w - 1, (3 * lU + tlU + 2) >> 2, (3 * lV + tlV + 2) >> 2);
            }
        }
    }

    private static void put(Vp8Decoder.Frame f, byte[] rgb, int y, int x, int u, int v) {
        int luma = f.y()[y * f.yStride() + x] & 0xFF;
        int at = 3 * (y * f.width() + x);
        int scaledY = mulHi(luma, 19077);
        rgb[at] = (byte) clip(scaledY + mulHi(v, 26149) - 14234);
        rgb[at + 1] = (byte) clip(scaledY - mulHi(u, 6419) - mulHi(v, 13320) + 8708);
        rgb[at + 2] = (byte) clip(scaledY + mulHi(u, 33050) - 17685);
    }

    private static int mulHi(int value, int coefficient) {
        return (value * coefficient) >> 8;
    }

    /** From 6 fractional bits to 0..255. */
    private static int clip(int v) {
        return (v & ~16383) == 0 ? v >> 6 : v < 0 ? 0 : 255;
    }
}
