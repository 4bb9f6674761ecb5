package vtc.loaders.image;

/**
 * Brings a subsampled JPEG component (chroma stored at half width and/or height, say) up to the
 * image's size the way libjpeg-turbo does by default ("fancy" upsampling), so the samples match
 * the reference exactly. By the ratio of the image's largest sampling factors to the component's:
 *
 * <ul>
 *   <li>1:1 — as stored.</li>
 *   <li>2:1 across (4:2:2) — each output sample is ¾ of the nearer stored sample plus ¼ of the
 *       next one ({@link #fancyColumns}); 2:1 both ways (4:2:0) — the same triangle filter in
 *       both directions, 9/16, 3/16, 3/16, 1/16 ({@link #fancyBoth}); 2:1 down only (4:4:0) —
 *       the vertical filter alone ({@link #fancyRows}). Edges repeat the edge sample. The 2:1
 *       across filters need more than two stored columns; with fewer libjpeg-turbo repeats
 *       samples instead, and so does this.</li>
 *   <li>Any other integral ratio (4:1:1, 3:1 …) — each stored sample repeated ("box").</li>
 * </ul>
 * The rounding biases alternate between neighbouring outputs (1 and 2 in quarters, 8 and 7 in
 * sixteenths) so the errors do not all lean one way. Samples are bytes (0–255, read unsigned).
 */
final class JpegUpsampling {

    private JpegUpsampling() {
    }

    /**
     * A component plane of {@code w × h} stored samples brought up by {@code across × down} and
     * cropped to {@code outW × outH}.
     */
    static byte[] upsample(byte[] plane, int w, int h, int across, int down, int outW, int outH) {
        byte[] full;
        if (across == 1 && down == 1) {
            full = plane;
        } else if (across == 2 && down == 1 && w > 2) {
            full = fancyColumns(plane, w, h);
        } else if (across == 2 && down == 2 && w > 2) {
            full = fancyBoth(plane, w, h);
        } else if (across == 1 && down == 2) {
            full = fancyRows(plane, w, 2 * h);
        } else {
            full = box(plane, w, h, across, down);
        }
        return crop(full, w * across, outW, outH);
    }

    /**
     * libjpeg-turbo's {@code h1v2_fancy_upsample}: output row 2r is (3·row r + row r−1 + 1) / 4,
     * row 2r+1 is (3·row r + row r+1 + 2) / 4 (integer division; the biases alternate so the
     * rounding does not drift one way), the rows beyond the edges being copies of the edge rows.
     *
     * @param h the number of output rows (at most twice the stored rows)
     */
    static byte[] fancyRows(byte[] stored, int w, int h) {
        int rows = stored.length / w;
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) {
            int r = y / 2;
            int near = r * w;
            int far = (y % 2 == 0 ? Math.max(r - 1, 0) : Math.min(r + 1, rows - 1)) * w;
            int bias = y % 2 == 0 ? 1 : 2;
            for (int x = 0; x < w; x++) {
                out[y * w + x] = (byte) ((3 * (stored[near + x] & 0xFF) + (stored[far + x] & 0xFF) + bias) >> 2);
            }
        }
        return out;
    }

    /** libjpeg-turbo's {@code h2v1_fancy_upsample}: the 3:1 triangle filter along each row. */
    static byte[] fancyColumns(byte[] stored, int w, int h) {
        byte[] out = new byte[2 * w * h];
        for (int y = 0; y < h; y++) {
            int in = y * w;
            int o = 2 * y * w;
            for (int x = 0; x < w; x++) {
                int v = stored[in + x] & 0xFF;
                int left = stored[in + Math.max(x - 1, 0)] & 0xFF;
                int right = stored[in + Math.min(x + 1, w - 1)] & 0xFF;
                out[o + 2 * x] = (byte) (x == 0 ? v : (3 * v + left + 1) >> 2);
                out[o + 2 * x + 1] = (byte) (x == w - 1 ? v : (3 * v + right + 2) >> 2);
            }
        }
        return out;
    }

    /**
     * libjpeg-turbo's {@code h2v2_fancy_upsample}: first down the columns, 3·nearer row + farther
     * row (kept unrounded, in quarters), then along the row with the same 3:1 weights, so each
     * output is a sum in sixteenths rounded once. At the left and right edges the outer output is
     * the column sum itself (4·sum in sixteenths).
     */
    static byte[] fancyBoth(byte[] stored, int w, int h) {
        int outW = 2 * w;
        byte[] out = new byte[outW * 2 * h];
        int[] sums = new int[w];
        for (int y = 0; y < 2 * h; y++) {
            int r = y / 2;
            int far = y % 2 == 0 ? Math.max(r - 1, 0) : Math.min(r + 1, h - 1);
            for (int x = 0; x < w; x++) {
                sums[x] = 3 * (stored[r * w + x] & 0xFF) + (stored[far * w + x] & 0xFF);
            }
            int o = y * outW;
            out[o] = (byte) ((4 * sums[0] + 8) >> 4);
            for (int x = 0; x < w; x++) {
                if (x > 0) {
                    out[o + 2 * x] = (byte) ((3 * sums[x] + sums[x - 1] + 8) >> 4);
                }
                if (x < w - 1) {
                    out[o + 2 * x + 1] = (byte) ((3 * sums[x] + sums[x + 1] + 7) >> 4);
                }
            }
            out[o + outW - 1] = (byte) ((4 * sums[w - 1] + 7) >> 4);
        }
        return out;
    }

    /** Integral upsampling by repetition ({@code int_upsample}, and the ≤ 2-column fallbacks). */
    static byte[] box(byte[] stored, int w, int h, int across, int down) {
        int outW = w * across;
        byte[] out = new byte[outW * h * down];
        for (int y = 0; y < h * down; y++) {
            int in = (y / down) * w;
            for (int x = 0; x < outW; x++) {
                out[y * outW + x] = stored[in + x / across];
            }
        }
        return out;
    }

    private static byte[] crop(byte[] plane, int w, int outW, int outH) {
        if (w == outW && plane.length == outW * outH) {
            return plane;
        }
        byte[] out = new byte[outW * outH];
        for (int y = 0; y < outH; y++) {
            System.arraycopy(plane, y * w, out, y * outW, outW);
        }
        return out;
    }
}
