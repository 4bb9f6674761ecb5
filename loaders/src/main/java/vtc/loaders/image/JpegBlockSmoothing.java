package vtc.loaders.image;

/**
 * libjpeg-turbo 2.1's block smoothing, which fills in low-frequency coefficients a progressive
 * JPEG's scans left missing or imprecise (see {@link JpegProgression} for when it applies), so
 * that such a file decodes to the reference's pixels.
 *
 * <p>The idea (T.81 Annex K.8, here on a 5×5 neighbourhood of blocks rather than 3×3): the DC
 * values of the neighbouring blocks say how the brightness slopes and curves across the block,
 * and the first AC coefficients are exactly those slopes and curvatures. Each of the first five
 * AC coefficients (zigzag 1–5) that is still zero and not known to be exact is estimated as a
 * fixed weighted sum of the 25 neighbouring DC values ({@link #AC_KERNELS}), scaled by the ratio
 * of the DC quantizer to that coefficient's quantizer, rounded, and kept below the magnitude the
 * missing bits could add. When no AC coefficient of the component has been coded at all,
 * smoother "Gaussian-like" kernels estimate the first nine ({@link #AC_KERNELS_NO_AC}) and the DC
 * itself is re-estimated from its neighbours ({@link #DC_KERNEL_NO_AC}).
 *
 * <p>Which blocks count as neighbours follows libjpeg-turbo exactly, including its edges: block
 * rows are visited in groups of the component's vertical sampling factor (an iMCU row), and a row
 * two groups away is only looked at where that group is in reach; columns slide through five
 * registers that are filled from the left edge and stop being refreshed past the right edge.
 */
final class JpegBlockSmoothing {

    /** Natural (row-major) positions of zigzag 1–9: the coefficients estimated. */
    private static final int[] POSITION = {1, 8, 16, 9, 2, 3, 10, 17, 24};

    /**
     * Weights of the 5×5 neighbourhood's DC values (rows: two above … two below; columns: two
     * left … two right) for zigzag 1–9, used while some AC coefficient is known. Only the first
     * five are estimated then.
     */
    private static final int[][][] AC_KERNELS = {
        {{0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}, {-7, 50, 0, -50, 7}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}},
        {{0, 0, -7, 0, 0}, {0, 0, 50, 0, 0}, {0, 0, 0, 0, 0}, {0, 0, -50, 0, 0}, {0, 0, 7, 0, 0}},
        {{0, 0, -1, 0, 0}, {0, 0, 13, 0, 0}, {0, 0, -24, 0, 0}, {0, 0, 13, 0, 0}, {0, 0, -1, 0, 0}},
        {{0, -1, 0, 1, 0}, {-1, 10, 0, -10, 1}, {0, 0, 0, 0, 0}, {1, -10, 0, 10, -1}, {0, 1, 0, -1, 0}},
        {{0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}, {-1, 13, -24, 13, -1}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}},
    };

    /** The kernels for zigzag 1–9 when no AC coefficient of the component has been coded. */
    private static final int[][][] AC_KERNELS_NO_AC = {
        {{-1, -1, 0, 1, 1}, {-3, 13, 0, -13, 3}, {-3, 38, 0, -38, 3}, {-3, 13, 0, -13, 3}, {-1, -1, 0, 1, 1}},
        {{-1, -3, -3, -3, -1}, {-1, 13, 38, 13, -1}, {0, 0, 0, 0, 0}, {1, -13, -38, -13, 1}, {1, 3, 3, 3, 1}},
        {{0, 0, 1, 0, 0}, {0, 2, 7, 2, 0}, {0, -5, -14, -5, 0}, {0, 2, 7, 2, 0}, {0, 0, 1, 0, 0}},
        {{-1, 0, 0, 0, 1}, {0, 9, 0, -9, 0}, {0, 0, 0, 0, 0}, {0, -9, 0, 9, 0}, {1, 0, 0, 0, -1}},
        {{0, 0, 0, 0, 0}, {0, 2, -5, 2, 0}, {1, 7, -14, 7, 1}, {0, 2, -5, 2, 0}, {0, 0, 0, 0, 0}},
        {{0, 0, 0, 0, 0}, {0, 1, 0, -1, 0}, {0, 2, 0, -2, 0}, {0, 1, 0, -1, 0}, {0, 0, 0, 0, 0}},
        {{0, 0, 0, 0, 0}, {0, 1, -3, 1, 0}, {0, 0, 0, 0, 0}, {0, -1, 3, -1, 0}, {0, 0, 0, 0, 0}},
        {{0, 0, 0, 0, 0}, {0, 1, 0, -1, 0}, {0, -3, 0, 3, 0}, {0, 1, 0, -1, 0}, {0, 0, 0, 0, 0}},
        {{0, 0, 0, 0, 0}, {0, 1, 2, 1, 0}, {0, 0, 0, 0, 0}, {0, -1, -2, -1, 0}, {0, 0, 0, 0, 0}},
    };

    /** The DC's own re-estimate when no AC coefficient has been coded (weights sum to 256). */
    private static final int[][] DC_KERNEL_NO_AC = {
        {-2, -6, -8, -6, -2}, {-6, 6, 42, 6, -6}, {-8, 42, 152, 42, -8}, {-6, 6, 42, 6, -6}, {-2, -6, -8, -6, -2},
    };

    private final ArithmeticJpeg.Component component;
    private final int[] bits;
    private final long[] quant = new long[64];
    private final boolean noAc;
    private final int iMcuRows;
    /** The 5×5 DC values around the current block: rows two above … two below, columns as registers. */
    private final int[][] dc = new int[5][5];

    /**
     * @param component    the component, with its coefficients and latched table
     * @param bits         its progression state by zigzag position ({@link JpegProgression#bits})
     * @param imageHeight  the frame's height
     * @param maxV         the frame's largest vertical sampling factor
     */
    JpegBlockSmoothing(ArithmeticJpeg.Component component, int[] bits, int imageHeight, int maxV) {
        this.component = component;
        this.bits = bits;
        for (int i = 0; i < 64; i++) {
            quant[i] = component.quant[i] & 0xFFFF; // libjpeg's quantizers are unsigned 16-bit here
        }
        boolean anyAc = false;
        for (int k = 1; k <= 9; k++) {
            anyAc |= bits[k] != -1;
        }
        this.noAc = !anyAc;
        this.iMcuRows = (imageHeight + 8 * maxV - 1) / (8 * maxV);
    }

    /**
     * Block row {@code by}'s blocks, each copied into {@code workspace} (64 per block, in column
     * order) with its estimates filled in.
     */
    void row(int by, short[][] workspace) {
        int v = component.v;
        int heightInBlocks = component.blocksWithData(false);
        int last = iMcuRows - 1;
        int group = by / v;
        int inGroup = by % v;
        int rowsInGroup = group < last || heightInBlocks % v == 0 ? v : heightInBlocks % v;
        int prev = inGroup > 0 || group > 0 ? by - 1 : by;
        int prevPrev = inGroup > 1 || group > 1 ? by - 2 : prev;
        int next = inGroup < rowsInGroup - 1 || group < last ? by + 1 : by;
        int nextNext = inGroup < rowsInGroup - 2 || group + 1 < last ? by + 2 : next;
        int[] rows = {prevPrev, prev, by, next, nextNext};

        int lastColumn = component.blocksWithData(true) - 1;
        for (int r = 0; r < 5; r++) {
            java.util.Arrays.fill(dc[r], dcOf(rows[r], 0));
        }
        for (int bx = 0; bx <= lastColumn; bx++) {
            for (int r = 0; r < 5; r++) {
                if (bx == 0 && bx < lastColumn) {
                    dc[r][3] = dcOf(rows[r], 1);
                }
                if (bx + 1 < lastColumn) {
                    dc[r][4] = dcOf(rows[r], bx + 2);
                }
            }
            short[] block = workspace[bx];
            System.arraycopy(component.coefficients, component.blockOffset(bx, by), block, 0, 64);
            estimate(block);
            for (int r = 0; r < 5; r++) {
                System.arraycopy(dc[r], 1, dc[r], 0, 4); // slide one block right; the last register stays
            }
        }
    }

    private int dcOf(int blockRow, int blockColumn) {
        return component.coefficients[component.blockOffset(blockColumn, blockRow)];
    }

    private void estimate(short[] block) {
        int[][][] kernels = noAc ? AC_KERNELS_NO_AC : AC_KERNELS;
        for (int i = 0; i < kernels.length; i++) {
            int al = bits[i + 1];
            int at = POSITION[i];
            if (al != 0 && block[at] == 0) {
                block[at] = (short) predict(weighted(kernels[i]), quant[at], al);
            }
        }
        if (noAc) {
            block[0] = (short) predict(weighted(DC_KERNEL_NO_AC), quant[0], 0);
        }
    }

    /** The kernel applied to the 5×5 DC values, times the DC quantizer. */
    private long weighted(int[][] kernel) {
        long sum = 0;
        for (int r = 0; r < 5; r++) {
            for (int c = 0; c < 5; c++) {
                sum += (long) kernel[r][c] * dc[r][c];
            }
        }
        return quant[0] * sum;
    }

    /**
     * num / (256·q) rounded half away from zero, its magnitude kept below 2^al when al bits of
     * the coefficient are still to come (al ≤ 0: not clamped).
     */
    private static int predict(long num, long q, int al) {
        long magnitude = ((q << 7) + Math.abs(num)) / (q << 8);
        if (al > 0 && magnitude >= (1L << al)) {
            magnitude = (1L << al) - 1;
        }
        return (int) (num >= 0 ? magnitude : -magnitude);
    }
}
