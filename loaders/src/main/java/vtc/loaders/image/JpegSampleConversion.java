package vtc.loaders.image;

import java.awt.image.Raster;

/**
 * JPEG samples to RGB where the JDK's decoder (libjpeg 6b inside the JDK) and the reference's
 * (Pillow on libjpeg-turbo) part ways. Both decode the same entropy-coded data with the same
 * integer inverse DCT, so the JDK's raw samples — {@code ImageReader.readRaster}, before any
 * colour conversion — are the reference's samples; what differs is what comes after:
 *
 * <ul>
 *   <li><b>4:4:0 chroma</b> (full width, half height; what a lossless 90° rotation of a 4:2:2
 *       file gives): libjpeg 6b repeats each chroma row, libjpeg-turbo interpolates between the
 *       two nearest rows, 3:1 ("fancy" upsampling, {@link JpegUpsampling#fancyRows}). The
 *       repeated rows are the stored ones, so every other row of the JDK's output is the stored chroma.</li>
 *   <li><b>CMYK and YCCK</b>: the JDK refuses to give them as an image. libjpeg-turbo turns YCCK
 *       into CMYK; Pillow reads four-channel JPEGs as inverted CMYK (the Adobe convention) and
 *       converts CMYK to RGB as {@code 255 − k − c·(255 − k)/255} per channel
 *       ({@link PillowRgbConversion#cmykToRgb}).</li>
 * </ul>
 * The YCbCr → RGB step is libjpeg's, in 16-bit fixed point ({@link #yccToRgb}). Arithmetic-coded
 * files, which the JDK does not decode, are decoded by {@link ArithmeticJpeg} into the same
 * planes and converted here too ({@link #toRgb}).
 */
final class JpegSampleConversion {

    private static final int SCALEBITS = 16;
    private static final int ONE_HALF = 1 << (SCALEBITS - 1);
    /** libjpeg's jdcolor.c tables: Cr→R, Cb→B offsets rounded, Cr→G and Cb→G kept in fixed point. */
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALEBITS;
            CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALEBITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private JpegSampleConversion() {
    }

    private static int fix(double v) {
        return (int) (v * (1 << SCALEBITS) + 0.5);
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /**
     * A YCbCr raster whose 4:4:0 chroma the JDK repeated row by row, converted as libjpeg-turbo
     * does: the stored chroma rows interpolated ({@link JpegUpsampling#fancyRows}), then YCbCr → RGB.
     *
     * @param halfHeight per band, whether that band was stored at half height
     */
    static RgbImage fancy440(Raster raw, boolean[] halfHeight) {
        int w = raw.getWidth();
        int h = raw.getHeight();
        byte[][] planes = planes(raw, 3);
        for (int c = 0; c < 3; c++) {
            if (halfHeight[c]) {
                planes[c] = JpegUpsampling.fancyRows(storedRows(planes[c], w, h), w, h);
            }
        }
        return yccToRgb(planes[0], planes[1], planes[2], w, h);
    }

    /** Rows 0, 2, 4, … of a plane the decoder upsampled by repeating each row: the stored rows. */
    private static byte[] storedRows(byte[] plane, int w, int h) {
        int rows = (h + 1) / 2;
        byte[] stored = new byte[rows * w];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(plane, 2 * r * w, stored, r * w, w);
        }
        return stored;
    }

    /** The raster's 8-bit bands as planes of bytes. */
    private static byte[][] planes(Raster raw, int bands) {
        int w = raw.getWidth();
        int h = raw.getHeight();
        byte[][] planes = new byte[bands][w * h];
        int[] row = new int[w];
        for (int c = 0; c < bands; c++) {
            for (int y = 0; y < h; y++) {
                raw.getSamples(raw.getMinX(), raw.getMinY() + y, w, 1, c, row);
                for (int x = 0; x < w; x++) {
                    planes[c][y * w + x] = (byte) row[x];
                }
            }
        }
        return planes;
    }

    /**
     * Full-size component planes (already upsampled) to RGB by libjpeg's colour rules
     * ({@link JpegHeader#ycbcr}, {@link JpegHeader#ycck}): grey replicated, YCbCr converted, RGB
     * as stored, CMYK/YCCK as {@link #fourChannels(byte[][], int, int, boolean)}.
     */
    static RgbImage toRgb(byte[][] planes, int w, int h, JpegHeader header) {
        return switch (planes.length) {
            case 1 -> yccToRgbOrCopy(planes[0], planes[0], planes[0], w, h, false);
            case 3 -> yccToRgbOrCopy(planes[0], planes[1], planes[2], w, h, header.ycbcr());
            case 4 -> fourChannels(planes, w, h, header.ycck());
            default -> throw new IllegalArgumentException(planes.length + " components");
        };
    }

    private static RgbImage yccToRgbOrCopy(byte[] c0, byte[] c1, byte[] c2, int w, int h, boolean ycc) {
        if (ycc) {
            return yccToRgb(c0, c1, c2, w, h);
        }
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        for (int i = 0; i < w * h; i++) {
            rgb[3 * i] = c0[i];
            rgb[3 * i + 1] = c1[i];
            rgb[3 * i + 2] = c2[i];
        }
        return new RgbImage(w, h, rgb);
    }

    /** libjpeg's {@code ycc_rgb_convert}, table for table. */
    static RgbImage yccToRgb(byte[] y, byte[] cb, byte[] cr, int w, int h) {
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        for (int i = 0; i < w * h; i++) {
            int luma = y[i] & 0xFF;
            int blue = cb[i] & 0xFF;
            int red = cr[i] & 0xFF;
            rgb[3 * i] = (byte) clamp(luma + CR_R[red]);
            rgb[3 * i + 1] = (byte) clamp(luma + ((CB_G[blue] + CR_G[red]) >> SCALEBITS));
            rgb[3 * i + 2] = (byte) clamp(luma + CB_B[blue]);
        }
        return new RgbImage(w, h, rgb);
    }

    /**
     * A four-band raster (CMYK, or YCCK when {@code ycck}) to the RGB Pillow gives: YCCK first to
     * CMYK as libjpeg does (C, M, Y = 255 − the RGB of the YCC part; K kept), then each channel
     * inverted (Pillow's {@code CMYK;I} raw mode) and converted to RGB.
     */
    static RgbImage fourChannels(Raster raw, boolean ycck) {
        return fourChannels(planes(raw, 4), raw.getWidth(), raw.getHeight(), ycck);
    }

    /** {@link #fourChannels(Raster, boolean)} on full-size planes. */
    static RgbImage fourChannels(byte[][] bands, int w, int h, boolean ycck) {
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        for (int i = 0; i < w * h; i++) {
            int c0 = bands[0][i] & 0xFF;
            int c1 = bands[1][i] & 0xFF;
            int c2 = bands[2][i] & 0xFF;
            if (ycck) {
                int y = c0;
                int cb = c1;
                int cr = c2;
                c0 = 255 - clamp(y + CR_R[cr]);
                c1 = 255 - clamp(y + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
                c2 = 255 - clamp(y + CB_B[cb]);
            }
            int k = 255 - (bands[3][i] & 0xFF);
            rgb[3 * i] = (byte) PillowRgbConversion.cmykToRgb(255 - c0, k);
            rgb[3 * i + 1] = (byte) PillowRgbConversion.cmykToRgb(255 - c1, k);
            rgb[3 * i + 2] = (byte) PillowRgbConversion.cmykToRgb(255 - c2, k);
        }
        return new RgbImage(w, h, rgb);
    }
}
