package vtc.loaders.image;

import java.nio.file.Path;

/**
 * Decodes a VP8 key frame (WebP's lossy format) to its 4:2:0 YCbCr planes, following RFC 6386
 * and matching libwebp bit for bit:
 *
 * <ol>
 *   <li>{@link Vp8FrameHeader} reads the frame header;</li>
 *   <li>macroblock by macroblock (16×16 luma, 8×8 of each chroma plane) in raster order,
 *       {@link Vp8IntraModes} reads the prediction modes, {@link Vp8Residuals} the coefficients,
 *       {@link Vp8IntraPrediction} predicts from the unfiltered neighbours and
 *       {@link Vp8InverseTransform} adds the residual;</li>
 *   <li>{@link Vp8LoopFilter} then filters the whole frame, macroblock by macroblock.</li>
 * </ol>
 *
 * The planes cover whole macroblocks; only the top-left {@code width × height} (chroma: half,
 * rounded up) is the picture.
 */
final class Vp8Decoder {

    /** A decoded frame: planes of {@code yStride} and {@code uvStride} columns. */
    record Frame(int width, int height, byte[] y, byte[] u, byte[] v, int yStride, int uvStride) {
    }

    // Layout of the prediction buffers: one border row above, eight columns on the left (the
    // border pixel is the last of them), and four columns above-right of the luma block.
    private static final int S = Vp8IntraPrediction.STRIDE;
    private static final int Y_AT = S + 8;
    private static final int UV_AT = S + 8;

    private Vp8Decoder() {
    }

    static Frame decode(Path file, byte[] data, int start, int length, long maxPixels) {
        Vp8FrameHeader header = Vp8FrameHeader.read(file, data, start, length, maxPixels);
        int mbw = header.macroblocksWide;
        int mbh = header.macroblocksHigh;
        int yStride = 16 * mbw;
        int uvStride = 8 * mbw;
        byte[] yPlane = new byte[yStride * 16 * mbh];
        byte[] uPlane = new byte[uvStride * 8 * mbh];
        byte[] vPlane = new byte[uvStride * 8 * mbh];

        Vp8IntraModes modes = new Vp8IntraModes(header);
        Vp8Residuals residuals = new Vp8Residuals(header);
        Vp8IntraModes.Macroblock[] row = new Vp8IntraModes.Macroblock[mbw];
        for (int i = 0; i < mbw; i++) {
            row[i] = new Vp8IntraModes.Macroblock();
        }
        Vp8Residuals.Coefficients coefficients = new Vp8Residuals.Coefficients();
        // what the loop filter needs of each macroblock
        Vp8LoopFilter.Strength[] strength = new Vp8LoopFilter.Strength[mbw * mbh];
        boolean[] innerEdges = new boolean[mbw * mbh];
        int[] yb = new int[S * 17];
        int[] ub = new int[S * 9];
        int[] vb = new int[S * 9];

        for (int mbY = 0; mbY < mbh; mbY++) {
            modes.startRow();
            for (int mbX = 0; mbX < mbw; mbX++) {
                modes.read(header.modes, mbX, row[mbX]);
            }
            if (header.modes.ranOut()) {
                throw Vp8FrameHeader.corrupt(file, "the first partition ends before the modes of macroblock row " + mbY);
            }
            Vp8BoolDecoder tokens = header.tokens[mbY % header.tokens.length];
            residuals.startRow();
            for (int mbX = 0; mbX < mbw; mbX++) {
                Vp8IntraModes.Macroblock mb = row[mbX];
                if (mb.noCoefficients) {
                    residuals.skip(mbX, mb.bySubblocks, coefficients);
                } else {
                    residuals.read(tokens, mbX, mb.bySubblocks, header.quantizers[mb.segment], coefficients);
                }
                if (tokens.ranOut()) {
                    throw Vp8FrameHeader.corrupt(file, "a token partition ends before macroblock (" + mbX + ", " + mbY
                            + ")");
                }
                int index = mbY * mbw + mbX;
                strength[index] = header.filterStrengths[mb.segment][mb.bySubblocks ? 1 : 0];
                innerEdges[index] = mb.bySubblocks || coefficients.any();

                loadBorders(yPlane, yStride, yb, Y_AT, 16, mbX, mbY, mbw);
                loadBorders(uPlane, uvStride, ub, UV_AT, 8, mbX, mbY, mbw);
                loadBorders(vPlane, uvStride, vb, UV_AT, 8, mbX, mbY, mbw);
                reconstructLuma(yb, mb, coefficients, mbX, mbY);
                reconstructChroma(ub, vb, mb, coefficients, mbX, mbY);
                store(yb, Y_AT, 16, yPlane, yStride, mbY * 16 * yStride + mbX * 16);
                store(ub, UV_AT, 8, uPlane, uvStride, mbY * 8 * uvStride + mbX * 8);
                store(vb, UV_AT, 8, vPlane, uvStride, mbY * 8 * uvStride + mbX * 8);
            }
        }

        if (header.filterType != 0) {
            for (int mbY = 0; mbY < mbh; mbY++) {
                for (int mbX = 0; mbX < mbw; mbX++) {
                    int index = mbY * mbw + mbX;
                    Vp8LoopFilter.Strength s = strength[index];
                    if (s.limit() == 0) {
                        continue;
                    }
                    if (header.filterType == 1) {
                        Vp8LoopFilter.simple(yPlane, yStride, mbX, mbY, s, innerEdges[index]);
                    } else {
                        Vp8LoopFilter.normal(yPlane, yStride, uPlane, vPlane, uvStride, mbX, mbY, s, innerEdges[index]);
                    }
                }
            }
        }
        return new Frame(header.width, header.height, yPlane, uPlane, vPlane, yStride, uvStride);
    }

    /**
     * Fills the border of a prediction buffer for the macroblock at {@code (mbX, mbY)}: the row
     * above (from the plane, or 127 on the first row), with the corner and, for luma, four pixels
     * above-right (the next macroblock's, or the last one above repeated on the right edge), and
     * the left column (from the plane, or 129 on the first column). The plane is still unfiltered.
     */
    private static void loadBorders(byte[] plane, int stride, int[] b, int at, int size, int mbX, int mbY, int mbw) {
        int x0 = mbX * size;
        int y0 = mbY * size;
        int extra = size == 16 ? 4 : 0;
        if (mbY == 0) {
            java.util.Arrays.fill(b, at - S - 1, at - S + size + extra, 127);
        } else {
            int above = (y0 - 1) * stride;
            b[at - S - 1] = mbX == 0 ? 129 : plane[above + x0 - 1] & 0xFF;
            for (int i = 0; i < size; i++) {
                b[at - S + i] = plane[above + x0 + i] & 0xFF;
            }
            for (int i = 0; i < extra; i++) {
                b[at - S + size + i] = mbX < mbw - 1 ? plane[above + x0 + size + i] & 0xFF : b[at - S + size - 1];
            }
        }
        for (int j = 0; j < size; j++) {
            b[at + j * S - 1] = mbX == 0 ? 129 : plane[(y0 + j) * stride + x0 - 1] & 0xFF;
        }
        // Subblocks on the right edge of rows 1..3 see the macroblock's above-right pixels again.
        for (int r = 4; r < size && extra > 0; r += 4) {
            System.arraycopy(b, at - S + size, b, at + (r - 1) * S + size, extra);
        }
    }

    private static void reconstructLuma(int[] b, Vp8IntraModes.Macroblock mb, Vp8Residuals.Coefficients c,
                                        int mbX, int mbY) {
        if (mb.bySubblocks) {
            for (int n = 0; n < 16; n++) {
                int at = Y_AT + (n >> 2) * 4 * S + (n & 3) * 4;
                Vp8IntraPrediction.predictSubblock(b, at, mb.subblockModes[n]);
                if (c.nonZero[n]) {
                    Vp8InverseTransform.addInverseDct(c.values, 16 * n, b, at, S);
                }
            }
        } else {
            Vp8IntraPrediction.predictBlock(b, Y_AT, 16, mb.lumaMode, mbY > 0, mbX > 0);
            for (int n = 0; n < 16; n++) {
                if (c.nonZero[n]) {
                    Vp8InverseTransform.addInverseDct(c.values, 16 * n, b, Y_AT + (n >> 2) * 4 * S + (n & 3) * 4, S);
                }
            }
        }
    }

    private static void reconstructChroma(int[] u, int[] v, Vp8IntraModes.Macroblock mb, Vp8Residuals.Coefficients c,
                                          int mbX, int mbY) {
        Vp8IntraPrediction.predictBlock(u, UV_AT, 8, mb.chromaMode, mbY > 0, mbX > 0);
        Vp8IntraPrediction.predictBlock(v, UV_AT, 8, mb.chromaMode, mbY > 0, mbX > 0);
        for (int n = 0; n < 4; n++) {
            int at = UV_AT + (n >> 1) * 4 * S + (n & 1) * 4;
            if (c.nonZero[16 + n]) {
                Vp8InverseTransform.addInverseDct(c.values, 16 * (16 + n), u, at, S);
            }
            if (c.nonZero[20 + n]) {
                Vp8InverseTransform.addInverseDct(c.values, 16 * (20 + n), v, at, S);
            }
        }
    }

    private static void store(int[] b, int at, int size, byte[] plane, int stride, int to) {
        for (int j = 0; j < size; j++) {
            for (int i = 0; i < size; i++) {
                plane[to + j * stride + i] = (byte) b[at + j * S + i];
            }
        }
    }
}
