package vtc.loaders.image;

/**
 * VP8's intra prediction (RFC 6386, section 12): each block is first predicted from the already
 * decoded pixels above and to the left of it, and the residual is added to the prediction.
 *
 * <p>The predictors work in a small buffer of {@link #STRIDE} columns that holds the block with a
 * one-pixel border: the row above (and, for 4×4 subblocks, four pixels above-right) and the column
 * to the left. Outside the frame the border is 127 above and 129 to the left (the corner above the
 * left edge is 129 too, except on the first row, where everything above is 127); these are the
 * unfiltered pixels of the neighbouring macroblocks, since the loop filter runs after prediction.
 *
 * <p>Whole-macroblock modes (16×16 luma and 8×8 chroma): {@link #DC} (mean of the border; on the
 * frame's first row or column only the available half, or 128), {@link #TM} ("TrueMotion":
 * {@code left + above - corner}, clamped), {@link #V} (copy the row above) and {@link #H} (copy
 * the left column). The ten 4×4 subblock modes add six directional predictors; their numbering
 * (which indexes {@link Vp8SubblockModeProbabilities}) is {@link #B_DC} … {@link #B_HU}.
 */
final class Vp8IntraPrediction {

    /** Row stride of the prediction buffers. */
    static final int STRIDE = 32;

    // Whole-block modes, as coded for 16×16 luma and 8×8 chroma
    static final int DC = 0;
    static final int TM = 1;
    static final int V = 2;
    static final int H = 3;

    // Subblock modes: the first four are the smoothed 4×4 versions of the ones above
    static final int B_DC = 0;
    static final int B_TM = 1;
    static final int B_VE = 2;
    static final int B_HE = 3;
    static final int B_RD = 4;
    static final int B_VR = 5;
    static final int B_LD = 6;
    static final int B_VL = 7;
    static final int B_HD = 8;
    static final int B_HU = 9;

    private Vp8IntraPrediction() {
    }

    /**
     * Predicts the {@code size}×{@code size} block at {@code at} (16 for luma, 8 for chroma) with a
     * whole-block mode; {@code hasAbove}/{@code hasLeft} say whether the block lies below the first
     * row or right of the first column of the frame (only DC prediction cares).
     */
    static void predictBlock(int[] b, int at, int size, int mode, boolean hasAbove, boolean hasLeft) {
        switch (mode) {
            case DC -> fill(b, at, size, dcValue(b, at, size, hasAbove, hasLeft));
            case TM -> trueMotion(b, at, size);
            case V -> {
                for (int y = 0; y < size; y++) {
                    System.arraycopy(b, at - STRIDE, b, at + y * STRIDE, size);
                }
            }
            case H -> {
                for (int y = 0; y < size; y++) {
                    int row = at + y * STRIDE;
                    java.util.Arrays.fill(b, row, row + size, b[row - 1]);
                }
            }
            default -> throw new IllegalArgumentException("mode " + mode);
        }
    }

    private static int dcValue(int[] b, int at, int size, boolean hasAbove, boolean hasLeft) {
        int shift = size == 16 ? 4 : 3; // log2(size)
        int sum = 0;
        if (hasAbove) {
            for (int i = 0; i < size; i++) {
                sum += b[at - STRIDE + i];
            }
        }
        if (hasLeft) {
            for (int i = 0; i < size; i++) {
                sum += b[at + i * STRIDE - 1];
            }
        }
        if (hasAbove && hasLeft) {
            return (sum + size) >> (shift + 1);
        }
        if (hasAbove || hasLeft) {
            return (sum + (size >> 1)) >> shift;
        }
        return 128;
    }

    private static void fill(int[] b, int at, int size, int v) {
        for (int y = 0; y < size; y++) {
            java.util.Arrays.fill(b, at + y * STRIDE, at + y * STRIDE + size, v);
        }
    }

    private static void trueMotion(int[] b, int at, int size) {
        int corner = b[at - STRIDE - 1];
        for (int y = 0; y < size; y++) {
            int row = at + y * STRIDE;
            int left = b[row - 1];
            for (int x = 0; x < size; x++) {
                b[row + x] = clamp255(left + b[at - STRIDE + x] - corner);
            }
        }
    }

    /**
     * Predicts the 4×4 subblock at {@code at} with one of the ten subblock modes, from the row
     * above (eight pixels: four above, four above-right), the corner and the left column.
     */
    static void predictSubblock(int[] b, int at, int mode) {
        int above = at - STRIDE;
        // the border: corner X, above A..H, left I..L
        int x0 = b[above - 1];
        int a = b[above], bb = b[above + 1], c = b[above + 2], d = b[above + 3];
        int e = b[above + 4], f = b[above + 5], g = b[above + 6], h = b[above + 7];
        int i = b[at - 1], j = b[at + STRIDE - 1], k = b[at + 2 * STRIDE - 1], l = b[at + 3 * STRIDE - 1];
        switch (mode) {
            case B_DC -> {
                int dc = (a + bb + c + d + i + j + k + l + 4) >> 3;
                for (int y = 0; y < 4; y++) {
                    row(b, at, y, dc, dc, dc, dc);
                }
            }
            case B_TM -> trueMotion(b, at, 4);
            case B_VE -> { // vertical, smoothed along the row above
                int p0 = avg3(x0, a, bb), p1 = avg3(a, bb, c), p2 = avg3(bb, c, d), p3 = avg3(c, d, e);
                for (int y = 0; y < 4; y++) {
                    row(b, at, y, p0, p1, p2, p3);
                }
            }
            case B_HE -> { // horizontal, smoothed down the left column
                int p0 = avg3(x0, i, j), p1 = avg3(i, j, k), p2 = avg3(j, k, l), p3 = avg3(k, l, l);
                row(b, at, 0, p0, p0, p0, p0);
                row(b, at, 1, p1, p1, p1, p1);
                row(b, at, 2, p2, p2, p2, p2);
                row(b, at, 3, p3, p3, p3, p3);
            }
            case B_RD -> { // down and to the right, along the left column, corner and row above
                int[] edge = {avg3(j, k, l), avg3(i, j, k), avg3(x0, i, j), avg3(a, x0, i), avg3(bb, a, x0),
                        avg3(c, bb, a), avg3(d, c, bb)};
                for (int y = 0; y < 4; y++) {
                    row(b, at, y, edge[3 - y], edge[4 - y], edge[5 - y], edge[6 - y]);
                }
            }
            case B_LD -> { // down and to the left, from the row above and above-right
                int[] edge = {avg3(a, bb, c), avg3(bb, c, d), avg3(c, d, e), avg3(d, e, f), avg3(e, f, g),
                        avg3(f, g, h), avg3(g, h, h)};
                for (int y = 0; y < 4; y++) {
                    row(b, at, y, edge[y], edge[y + 1], edge[y + 2], edge[y + 3]);
                }
            }
            case B_VR -> { // vertical, leaning right
                row(b, at, 0, avg2(x0, a), avg2(a, bb), avg2(bb, c), avg2(c, d));
                row(b, at, 1, avg3(i, x0, a), avg3(x0, a, bb), avg3(a, bb, c), avg3(bb, c, d));
                row(b, at, 2, avg3(j, i, x0), avg2(x0, a), avg2(a, bb), avg2(bb, c));
                row(b, at, 3, avg3(k, j, i), avg3(i, x0, a), avg3(x0, a, bb), avg3(a, bb, c));
            }
            case B_VL -> { // vertical, leaning left
                row(b, at, 0, avg2(a, bb), avg2(bb, c), avg2(c, d), avg2(d, e));
                row(b, at, 1, avg3(a, bb, c), avg3(bb, c, d), avg3(c, d, e), avg3(d, e, f));
                row(b, at, 2, avg2(bb, c), avg2(c, d), avg2(d, e), avg3(e, f, g));
                row(b, at, 3, avg3(bb, c, d), avg3(c, d, e), avg3(d, e, f), avg3(f, g, h));
            }
            case B_HD -> { // horizontal, leaning down
                row(b, at, 0, avg2(i, x0), avg3(i, x0, a), avg3(x0, a, bb), avg3(a, bb, c));
                row(b, at, 1, avg2(j, i), avg3(j, i, x0), avg2(i, x0), avg3(i, x0, a));
                row(b, at, 2, avg2(k, j), avg3(k, j, i), avg2(j, i), avg3(j, i, x0));
                row(b, at, 3, avg2(l, k), avg3(l, k, j), avg2(k, j), avg3(k, j, i));
            }
            case B_HU -> { // horizontal, leaning up: only the left column
                row(b, at, 0, avg2(i, j), avg3(i, j, k), avg2(j, k), avg3(j, k, l));
                row(b, at, 1, avg2(j, k), avg3(j, k, l), avg2(k, l), avg3(k, l, l));
                row(b, at, 2, avg2(k, l), avg3(k, l, l), l, l);
                row(b, at, 3, l, l, l, l);
            }
            default -> throw new IllegalArgumentException("subblock mode " + mode);
        }
    }

    private static void row(int[] b, int at, int y, int p0, int p1, int p2, int p3) {
        int r = at + y * STRIDE;
        b[r] = p0;
        b[r + 1] = p1;
        b[r + 2] = p2;
        b[r + 3] = p3;
    }

    /** The 1-2-1 smoothing of three neighbours, rounded. */
    private static int avg3(int p, int q, int r) {
        return (p + 2 * q + r + 2) >> 2;
    }

    private static int avg2(int p, int q) {
        return (p + q + 1) >> 1;
    }

    static int clamp255(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
