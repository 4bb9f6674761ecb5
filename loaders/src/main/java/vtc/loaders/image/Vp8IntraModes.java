package vtc.loaders.image;

/**
 * The per-macroblock header of a VP8 key frame, read from the first partition (RFC 6386,
 * sections 10, 11 and 19.3): the segment id (if the frame updates the segment map), the "no
 * non-zero coefficients" flag (if the frame codes it), then the luma prediction: either one mode
 * for the whole 16×16 block or {@code B_PRED}, a mode for each of the sixteen 4×4 subblocks, and
 * finally the chroma mode.
 *
 * <p>Subblock modes are coded with probabilities that depend on the modes of the subblocks above
 * and to the left. Across macroblocks those contexts continue: a macroblock predicted as a whole
 * counts, for its neighbours, as subblocks of the corresponding subblock mode; outside the frame
 * the context is {@code B_DC}. So the reader keeps the modes along the bottom of the macroblock
 * row above ({@code above}, four per macroblock) and along the right of the macroblock to the left.
 */
final class Vp8IntraModes {

    /** The decoded header of one macroblock. */
    static final class Macroblock {
        int segment;
        boolean noCoefficients;
        /** Whether luma is predicted per 4×4 subblock ({@code B_PRED}). */
        boolean bySubblocks;
        /** The 16×16 luma mode ({@link Vp8IntraPrediction#DC} …) when not predicted by subblocks. */
        int lumaMode;
        /** The sixteen subblock modes in raster order, when predicted by subblocks. */
        final int[] subblockModes = new int[16];
        int chromaMode;
    }

    private final Vp8FrameHeader header;
    private final int[] above;
    private final int[] left = new int[4];

    Vp8IntraModes(Vp8FrameHeader header) {
        this.header = header;
        this.above = new int[4 * header.macroblocksWide]; // B_DC = 0
    }

    /** Call at the start of each macroblock row: the left context restarts outside the frame. */
    void startRow() {
        java.util.Arrays.fill(left, Vp8IntraPrediction.B_DC);
    }

    /** Reads the header of macroblock {@code mbX} of the current row into {@code mb}. */
    void read(Vp8BoolDecoder in, int mbX, Macroblock mb) {
        int[] p = header.segmentProbabilities;
        mb.segment = !header.segmentMapUpdated ? 0
                : !in.readBool(p[0]) ? (in.readBool(p[1]) ? 1 : 0) : (in.readBool(p[2]) ? 3 : 2);
        mb.noCoefficients = header.skipProbability >= 0 && in.readBool(header.skipProbability);
        mb.bySubblocks = !in.readBool(145);
        if (!mb.bySubblocks) {
            int mode = in.readBool(156)
                    ? (in.readBool(128) ? Vp8IntraPrediction.TM : Vp8IntraPrediction.H)
                    : (in.readBool(163) ? Vp8IntraPrediction.V : Vp8IntraPrediction.DC);
            mb.lumaMode = mode;
            // DC, TM, V, H share their numbers with B_DC, B_TM, B_VE, B_HE, which stand in as context
            java.util.Arrays.fill(above, 4 * mbX, 4 * mbX + 4, mode);
            java.util.Arrays.fill(left, mode);
        } else {
            for (int y = 0; y < 4; y++) {
                int leftMode = left[y];
                for (int x = 0; x < 4; x++) {
                    int mode = subblockMode(in, above[4 * mbX + x], leftMode);
                    mb.subblockModes[4 * y + x] = mode;
                    above[4 * mbX + x] = mode;
                    leftMode = mode;
                }
                left[y] = leftMode;
            }
        }
        mb.chromaMode = !in.readBool(142) ? Vp8IntraPrediction.DC
                : !in.readBool(114) ? Vp8IntraPrediction.V
                : in.readBool(183) ? Vp8IntraPrediction.TM : Vp8IntraPrediction.H;
    }

    /** The subblock mode tree: DC, TM, VE first, then the horizontal-ish and the diagonal modes. */
    private static int subblockMode(Vp8BoolDecoder in, int aboveMode, int leftMode) {
        int[] table = Vp8SubblockModeProbabilities.PROBABILITIES;
        int p = (aboveMode * 10 + leftMode) * 9;
        if (!in.readBool(table[p])) {
            return Vp8IntraPrediction.B_DC;
        }
        if (!in.readBool(table[p + 1])) {
            return Vp8IntraPrediction.B_TM;
        }
        if (!in.readBool(table[p + 2])) {
            return Vp8IntraPrediction.B_VE;
        }
        if (!in.readBool(table[p + 3])) {
            if (!in.readBool(table[p + 4])) {
                return Vp8IntraPrediction.B_HE;
            }
            return !in.readBool(table[p + 5]) ? Vp8IntraPrediction.B_RD : Vp8IntraPrediction.B_VR;
        }
        if (!in.readBool(table[p + 6])) {
            return Vp8IntraPrediction.B_LD;
        }
        if (!in.readBool(table[p + 7])) {
            return Vp8IntraPrediction.B_VL;
        }
        return !in.readBool(table[p + 8]) ? Vp8IntraPrediction.B_HD : Vp8IntraPrediction.B_HU;
    }
}
