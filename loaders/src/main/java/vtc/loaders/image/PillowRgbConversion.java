package vtc.loaders.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.nio.file.Path;

/**
 * Brings a decoded image to 8-bit RGB with the values Pillow's {@code Image.open(f).convert("RGB")} gives, which is
 * what the reference preprocessing sees. It reads the raw samples of the raster and never asks Java2D for colours
 * ({@code getRGB} would convert grey through a linear colour space and change the values).
 *
 * <ul>
 *   <li>RGB: as stored. Alpha (RGBA, grey+alpha, palette transparency) is discarded, not composited.</li>
 *   <li>Grey: replicated to the three channels.</li>
 *   <li>Palette (and 1/2/4-bit grey, which the PNG decoder exposes as a grey palette scaled like Pillow's
 *       {@code L;2}/{@code L;4} unpackers: 0, 85, 170, 255 / multiples of 17): looked up.</li>
 *   <li>16-bit RGB, RGBA and grey+alpha: the high byte ({@code v >> 8}); Pillow unpacks these PNGs with its
 *       {@code RGB;16B}/{@code RGBA;16B}/{@code LA;16B} raw modes, which keep the most significant byte.</li>
 *   <li>16-bit grey <em>without</em> an alpha channel (with or without a {@code tRNS} colour key, which the JDK
 *       presents as alpha but Pillow keeps aside): {@code min(v, 255)}. Pillow opens it as mode {@code I;16} and
 *       its {@code I;16 → RGB} conversion clips instead of shifting, so a 16-bit grey PNG mostly turns white. Odd,
 *       but it is what the reference sees, and matching it is the point of this class.</li>
 * </ul>
 * <ul>
 *   <li>Bit fields (BMP 16/32-bit): see {@link #fromPackedFields}. CMYK (TIFF, 8- and 16-bit): Pillow's
 *       {@code cmyk2rgb}. RGB premultiplied by alpha (TIFF associated alpha): see {@link #unpremultiplied}.</li>
 * </ul>
 * Anything else (other colour spaces or sample sizes) is refused.
 */
final class PillowRgbConversion {

    private PillowRgbConversion() {
    }

    /**
     * @param storedAlpha whether the file itself has an alpha channel (PNG colour types 4, 6), not merely a
     *                    colour key the decoder turned into one
     */
    static RgbImage toRgb(BufferedImage image, boolean storedAlpha, Path file) {
        Raster raster = image.getRaster();
        if (image.getColorModel() instanceof IndexColorModel palette) {
            return fromPalette(raster, palette);
        }
        if (image.getColorModel() instanceof DirectColorModel packed) {
            return fromPackedFields(raster, packed);
        }
        if (!(image.getColorModel() instanceof ComponentColorModel model)) {
            throw new ImageFileException(file, "unsupported colour model " + image.getColorModel().getClass().getSimpleName()
                    + "; RGB, grey, palette, bit-field and CMYK images are supported");
        }
        int colorSpace = model.getColorSpace().getType();
        int transfer = model.getTransferType();
        boolean sixteenBit = transfer == DataBuffer.TYPE_USHORT;
        if (transfer != DataBuffer.TYPE_BYTE && !sixteenBit) {
            throw new ImageFileException(file, "unsupported sample type " + transfer + "; 8- and 16-bit images are supported");
        }
        if (colorSpace == ColorSpace.TYPE_RGB && model.getNumColorComponents() == 3) {
            Reduce reduce = sixteenBit ? Reduce.HIGH_BYTE : Reduce.NONE;
            return model.isAlphaPremultiplied() ? unpremultiplied(raster, reduce)
                    : copyChannels(raster, new int[] {0, 1, 2}, reduce);
        }
        if (colorSpace == ColorSpace.TYPE_GRAY && model.getNumColorComponents() == 1) {
            Reduce reduce = !sixteenBit ? Reduce.NONE : storedAlpha ? Reduce.HIGH_BYTE : Reduce.CLIP;
            return copyChannels(raster, new int[] {0, 0, 0}, reduce);
        }
        if (colorSpace == ColorSpace.TYPE_CMYK && model.getNumComponents() == 4) {
            return fromCmyk(raster);
        }
        String space = colorSpace == ColorSpace.TYPE_CMYK ? "CMYK" : "colour space type " + colorSpace;
        throw new ImageFileException(file, "unsupported " + space + " with " + model.getNumComponents()
                + " components; convert the image to RGB first");
    }

    /** How a 16-bit sample becomes 8 bits (see the class comment for which Pillow path each one mirrors). */
    private enum Reduce {
        NONE, HIGH_BYTE, CLIP;

        int apply(int v) {
            return switch (this) {
                case NONE -> v;
                case HIGH_BYTE -> v >>> 8;
                case CLIP -> Math.min(v, 255);
            };
        }
    }

    /** Output channel c takes raster band {@code bands[c]}; extra bands (alpha) are ignored. */
    private static RgbImage copyChannels(Raster raster, int[] bands, Reduce reduce) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        int[] row = new int[w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, bands[c], row);
                for (int x = 0; x < w; x++) {
                    rgb[(y * w + x) * 3 + c] = (byte) reduce.apply(row[x]);
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /**
     * Pixels packed into bit fields (BMP's 16- and 32-bit layouts): an 8-bit field as stored, a
     * narrower one of n bits scaled as Pillow's {@code BGR;15}/{@code BGR;16} unpackers do,
     * {@code v · 255 / (2ⁿ − 1)} rounded down. Alpha is dropped.
     */
    private static RgbImage fromPackedFields(Raster raster, DirectColorModel model) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        int[] row = new int[w];
        for (int c = 0; c < 3; c++) {
            int max = (1 << model.getComponentSize(c)) - 1;
            for (int y = 0; y < h; y++) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, c, row);
                for (int x = 0; x < w; x++) {
                    rgb[(y * w + x) * 3 + c] = (byte) (max == 255 ? row[x] : row[x] * 255 / max);
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /**
     * Four bands of C, M, Y, K (TIFF; 16-bit reduced to the high byte as Pillow's {@code CMYK;16N}
     * unpacker does) through Pillow's {@code cmyk2rgb}. Also for 16-bit CMYK TIFFs, which the JDK
     * presents as RGB with alpha.
     */
    static RgbImage fromCmyk(Raster raster) {
        Reduce reduce = raster.getTransferType() == DataBuffer.TYPE_USHORT ? Reduce.HIGH_BYTE : Reduce.NONE;
        return withFourthBand(raster, reduce, PillowRgbConversion::cmykToRgb);
    }

    /**
     * RGB stored premultiplied by alpha (a TIFF's "associated" alpha), which Pillow unpacks with
     * its {@code RGBa} unpackers into plain RGBA: on 8-bit values (the high bytes of 16-bit ones),
     * each channel {@code c·255 / a} rounded down and clipped at 255; alpha 0 gives black, 255
     * leaves the channels as they are.
     */
    private static RgbImage unpremultiplied(Raster raster, Reduce reduce) {
        return withFourthBand(raster, reduce, (v, a) -> a == 0 ? 0 : a == 255 ? v : Math.min(255, v * 255 / a));
    }

    /** Output channel c = {@code f(band c, band 3)}, on samples reduced to 8 bits. */
    private static RgbImage withFourthBand(Raster raster, Reduce reduce, java.util.function.IntBinaryOperator f) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        int[] fourth = raster.getSamples(raster.getMinX(), raster.getMinY(), w, h, 3, new int[w * h]);
        for (int c = 0; c < 3; c++) {
            int[] band = raster.getSamples(raster.getMinX(), raster.getMinY(), w, h, c, new int[w * h]);
            for (int i = 0; i < w * h; i++) {
                rgb[3 * i + c] = (byte) f.applyAsInt(reduce.apply(band[i]), reduce.apply(fourth[i]));
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /**
     * Pillow's {@code cmyk2rgb} for one channel: {@code (255 − k) − c·(255 − k)/255}, the product
     * divided by 255 with rounding the way its {@code MULDIV255} macro does it.
     */
    static int cmykToRgb(int c, int k) {
        int nk = 255 - k;
        int t = c * nk + 128;
        return Math.max(0, Math.min(255, nk - (((t >> 8) + t) >> 8)));
    }

    private static RgbImage fromPalette(Raster raster, IndexColorModel palette) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                rgb[i] = (byte) palette.getRed(row[x]);
                rgb[i + 1] = (byte) palette.getGreen(row[x]);
                rgb[i + 2] = (byte) palette.getBlue(row[x]);
            }
        }
        return new RgbImage(w, h, rgb);
    }
}
