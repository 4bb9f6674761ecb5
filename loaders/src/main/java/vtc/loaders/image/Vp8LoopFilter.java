package vtc.loaders.image;

/**
 * VP8's loop filter (RFC 6386, section 15), which smooths the block edges that coarse
 * quantisation leaves visible. It runs over the reconstructed frame one macroblock at a time in
 * raster order — left macroblock edge, the three inner vertical edges, top macroblock edge, the
 * three inner horizontal edges — each step seeing the result of the ones before.
 *
 * <p>At each position across an edge, with pixels {@code p3 p2 p1 p0 | q0 q1 q2 q3}, the filter
 * first decides whether the step is an artefact (small enough: {@code 2|p0-q0| + |p1-q1|/2} within
 * the edge limit, and for the normal filter every neighbouring difference within the interior
 * limit) and then moves the pixels next to it towards each other:
 *
 * <ul>
 *   <li>the <em>simple</em> filter (luma only) adjusts {@code p0} and {@code q0};</li>
 *   <li>the <em>normal</em> filter, where the edge has high variance ({@code |p1-p0|} or
 *       {@code |q1-q0|} above a threshold), does the same; elsewhere it adjusts {@code p2..q2} on
 *       macroblock edges (weights 27, 18, 9 of 128) and {@code p1..q1} on inner edges.</li>
 * </ul>
 *
 * Inner edges are filtered only in macroblocks predicted by subblocks or with non-zero
 * coefficients. Everything is integer arithmetic with 8-bit signed clamping, as in libwebp.
 */
final class Vp8LoopFilter {

    /**
     * The filter parameters of a macroblock: {@code limit} is twice the level plus the interior
     * limit (0: not filtered; the macroblock edges use {@code limit + 4}), {@code interior} the
     * interior limit and {@code highVariance} the threshold of the high-variance test.
     */
    record Strength(int limit, int interior, int highVariance) {

        /** The parameters of a filter level 0..63 and a sharpness 0..7. */
        static Strength of(int level, int sharpness) {
            if (level == 0) {
                return new Strength(0, 0, 0);
            }
            int interior = level;
            if (sharpness > 0) { // sharper pictures: a smaller interior limit
                interior >>= sharpness > 4 ? 2 : 1;
                interior = Math.min(interior, 9 - sharpness);
            }
            interior = Math.max(interior, 1);
            return new Strength(2 * level + interior, interior, level >= 40 ? 2 : level >= 15 ? 1 : 0);
        }
    }

    private Vp8LoopFilter() {
    }

    /**
     * Filters the luma edges of the macroblock at {@code (mbX, mbY)} with the simple filter;
     * {@code inner} says whether its inner edges are filtered.
     */
    static void simple(byte[] y, int stride, int mbX, int mbY, Strength s, boolean inner) {
        int at = mbY * 16 * stride + mbX * 16;
        if (mbX > 0) {
            simpleEdge(y, at, 1, stride, s.limit() + 4);
        }
        if (inner) {
            for (int k = 4; k < 16; k += 4) {
                simpleEdge(y, at + k, 1, stride, s.limit());
            }
        }
        if (mbY > 0) {
            simpleEdge(y, at, stride, 1, s.limit() + 4);
        }
        if (inner) {
            for (int k = 4; k < 16; k += 4) {
                simpleEdge(y, at + k * stride, stride, 1, s.limit());
            }
        }
    }

    /**
     * Filters the edges of the macroblock at {@code (mbX, mbY)} in all three planes with the
     * normal filter.
     */
    static void normal(byte[] y, int yStride, byte[] u, byte[] v, int uvStride, int mbX, int mbY, Strength s,
                       boolean inner) {
        int yAt = mbY * 16 * yStride + mbX * 16;
        int uvAt = mbY * 8 * uvStride + mbX * 8;
        int edgeLimit = s.limit() + 4;
        if (mbX > 0) { // left macroblock edge: across columns, pixel step 1
            normalEdge(y, yAt, 1, yStride, 16, edgeLimit, s, true);
            normalEdge(u, uvAt, 1, uvStride, 8, edgeLimit, s, true);
            normalEdge(v, uvAt, 1, uvStride, 8, edgeLimit, s, true);
        }
        if (inner) {
            for (int k = 4; k < 16; k += 4) {
                normalEdge(y, yAt + k, 1, yStride, 16, s.limit(), s, false);
            }
            normalEdge(u, uvAt + 4, 1, uvStride, 8, s.limit(), s, false);
            normalEdge(v, uvAt + 4, 1, uvStride, 8, s.limit(), s, false);
        }
        if (mbY > 0) { // top macroblock edge: across rows
            normalEdge(y, yAt, yStride, 1, 16, edgeLimit, s, true);
            normalEdge(u, uvAt, uvStride, 1, 8, edgeLimit, s, true);
            normalEdge(v, uvAt, uvStride, 1, 8, edgeLimit, s, true);
        }
        if (inner) {
            for (int k = 4; k < 16; k += 4) {
                normalEdge(y, yAt + k * yStride, yStride, 1, 16, s.limit(), s, false);
            }
            normalEdge(u, uvAt + 4 * uvStride, uvStride, 1, 8, s.limit(), s, false);
            normalEdge(v, uvAt + 4 * uvStride, uvStride, 1, 8, s.limit(), s, false);
        }
    }

    /**
     * The simple filter along 16 positions of one edge: {@code across} steps from {@code p0} to
     * {@code q0}, {@code along} from one position to the next; {@code at} is {@code q0} of the first.
     */
    private static void simpleEdge(byte[] px, int at, int across, int along, int limit) {
        for (int i = 0; i < 16; i++) {
            int q = at + i * along;
            if (edgeVisible(px, q, across, limit)) {
                adjustInnerPair(px, q, across);
            }
        }
    }

    /**
     * The normal filter along {@code count} positions of one edge ({@code across}/{@code along}
     * as for {@link #simpleEdge}); macroblock edges reach three pixels deep, inner edges two.
     */
    private static void normalEdge(byte[] px, int at, int across, int along, int count, int limit, Strength s,
                                   boolean macroblockEdge) {
        for (int i = 0; i < count; i++) {
            int q = at + i * along;
            if (edgeVisible(px, q, across, limit) && interiorSmooth(px, q, across, s.interior())) {
                if (highVariance(px, q, across, s.highVariance())) {
                    adjustInnerPair(px, q, across);
                } else if (macroblockEdge) {
                    adjustSix(px, q, across);
                } else {
                    adjustFour(px, q, across);
                }
            }
        }
    }

    private static int at(byte[] px, int i) {
        return px[i] & 0xFF;
    }

    /** {@code 2|p0-q0| + |p1-q1|/2 <= limit}, written as libwebp does without the halving. */
    private static boolean edgeVisible(byte[] px, int q, int s, int limit) {
        int p1 = at(px, q - 2 * s), p0 = at(px, q - s), q0 = at(px, q), q1 = at(px, q + s);
        return 4 * Math.abs(p0 - q0) + Math.abs(p1 - q1) <= 2 * limit + 1;
    }

    private static boolean interiorSmooth(byte[] px, int q, int s, int interior) {
        int p3 = at(px, q - 4 * s), p2 = at(px, q - 3 * s), p1 = at(px, q - 2 * s), p0 = at(px, q - s);
        int q0 = at(px, q), q1 = at(px, q + s), q2 = at(px, q + 2 * s), q3 = at(px, q + 3 * s);
        return Math.abs(p3 - p2) <= interior && Math.abs(p2 - p1) <= interior && Math.abs(p1 - p0) <= interior
                && Math.abs(q3 - q2) <= interior && Math.abs(q2 - q1) <= interior && Math.abs(q1 - q0) <= interior;
    }

    private static boolean highVariance(byte[] px, int q, int s, int threshold) {
        int p1 = at(px, q - 2 * s), p0 = at(px, q - s), q0 = at(px, q), q1 = at(px, q + s);
        return Math.abs(p1 - p0) > threshold || Math.abs(q1 - q0) > threshold;
    }

    /** Clamps to a signed byte, -128..127. */
    private static int s8(int v) {
        return v < -128 ? -128 : Math.min(v, 127);
    }

    private static byte u8(int v) {
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /** Moves p0 and q0 towards each other, using p1 - q1 as well ("outer taps"). */
    private static void adjustInnerPair(byte[] px, int q, int s) {
        int p1 = at(px, q - 2 * s), p0 = at(px, q - s), q0 = at(px, q), q1 = at(px, q + s);
        int a = 3 * (q0 - p0) + s8(p1 - q1);
        int forQ = Math.clamp((a + 4) >> 3, -16, 15);
        int forP = Math.clamp((a + 3) >> 3, -16, 15);
        px[q - s] = u8(p0 + forP);
        px[q] = u8(q0 - forQ);
    }

    /** The inner-edge filter without outer taps: p1..q1 move, the outer pair by half as much. */
    private static void adjustFour(byte[] px, int q, int s) {
        int p1 = at(px, q - 2 * s), p0 = at(px, q - s), q0 = at(px, q), q1 = at(px, q + s);
        int a = 3 * (q0 - p0);
        int forQ = Math.clamp((a + 4) >> 3, -16, 15);
        int forP = Math.clamp((a + 3) >> 3, -16, 15);
        int outer = (forQ + 1) >> 1;
        px[q - 2 * s] = u8(p1 + outer);
        px[q - s] = u8(p0 + forP);
        px[q] = u8(q0 - forQ);
        px[q + s] = u8(q1 - outer);
    }

    /** The macroblock-edge filter: p2..q2 move by 27/128, 18/128 and 9/128 of the step. */
    private static void adjustSix(byte[] px, int q, int s) {
        int p2 = at(px, q - 3 * s), p1 = at(px, q - 2 * s), p0 = at(px, q - s);
        int q0 = at(px, q), q1 = at(px, q + s), q2 = at(px, q + 2 * s);
        int a = s8(3 * (q0 - p0) + s8(p1 - q1));
        int a1 = (27 * a + 63) >> 7;
        int a2 = (18 * a + 63) >> 7;
        int a3 = (9 * a + 63) >> 7;
        px[q - 3 * s] = u8(p2 + a3);
        px[q - 2 * s] = u8(p1 + a2);
        px[q - s] = u8(p0 + a1);
        px[q] = u8(q0 - a1);
        px[q + s] = u8(q1 - a2);
        px[q + 2 * s] = u8(q2 - a3);
    }
}
