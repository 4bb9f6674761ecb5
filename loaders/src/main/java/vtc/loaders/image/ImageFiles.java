package vtc.loaders.image;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG and JPEG files into {@link RgbImage}s with {@code javax.imageio}, converted to RGB as Pillow would
 * (see {@link PillowRgbConversion}). The dimensions are read from the header first, so an image whose pixels would
 * not fit in memory is refused before anything is decoded. Decoder warnings (libjpeg's "premature end of data" for
 * a truncated JPEG, which otherwise decodes into grey filler) are errors, as they are for Pillow.
 *
 * <p>Not done, like the reference: EXIF orientation and embedded colour profiles are not applied (see
 * {@link #storedColours}).
 */
public final class ImageFiles {

    /** Default bound on width × height: 100 megapixels (300 MB as RGB). */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;
    /** Hard bound: the RGB bytes must fit in one Java array. */
    private static final long ARRAY_MAX_PIXELS = (Integer.MAX_VALUE - 8) / 3;

    private ImageFiles() {
    }

    /** Reads a PNG or JPEG of at most {@link #DEFAULT_MAX_PIXELS} pixels. */
    public static RgbImage read(Path file) {
        return read(file, DEFAULT_MAX_PIXELS);
    }

    /** Reads a PNG or JPEG of at most {@code maxPixels} pixels (width × height). */
    public static RgbImage read(Path file, long maxPixels) {
        requireNonEmptyFile(file);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new ImageFileException(file, "cannot open the file for reading");
            }
            ImageReader reader = readerFor(in, file);
            try {
                boolean storedAlpha = storesAlphaChannel(in, reader);
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                requireDecodableSize(file, width, height, maxPixels);
                BufferedImage image = decode(reader, storedColours(reader, width, height), file);
                return PillowRgbConversion.toRgb(image, storedAlpha, file);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new ImageFileException(file, "cannot decode the image: " + e.getMessage(), e);
        } catch (ImageFileException e) {
            throw e;
        } catch (RuntimeException e) {
            // The JDK decoders signal some malformed streams with unchecked exceptions from deep inside.
            throw new ImageFileException(file, "corrupt image data: " + e, e);
        }
    }

    private static void requireNonEmptyFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ImageFileException(file, "no such image file");
        }
        try {
            if (Files.size(file) == 0) {
                throw new ImageFileException(file, "the image file is empty (0 bytes)");
            }
        } catch (IOException e) {
            throw new ImageFileException(file, "cannot read the file: " + e.getMessage(), e);
        }
    }

    private static ImageReader readerFor(ImageInputStream in, Path file) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new ImageFileException(file, "not a PNG or JPEG image (unrecognised content)");
        }
        ImageReader reader = readers.next();
        String format = reader.getFormatName().toLowerCase(Locale.ROOT);
        if (!format.equals("png") && !format.equals("jpeg")) {
            reader.dispose();
            throw new ImageFileException(file, "unsupported image format " + format + "; PNG and JPEG are supported");
        }
        return reader;
    }

    /**
     * Whether the file has an alpha channel of its own (PNG colour types 4 and 6, read from the IHDR chunk that must
     * come first), as opposed to a {@code tRNS} colour key, which the JDK also turns into an alpha band but Pillow
     * keeps aside. The two differ for 16-bit grey (see {@link PillowRgbConversion}).
     */
    private static boolean storesAlphaChannel(ImageInputStream in, ImageReader reader) throws IOException {
        if (!reader.getFormatName().equalsIgnoreCase("png")) {
            return false;
        }
        byte[] head = new byte[26]; // signature 8, chunk length 4, "IHDR" 4, width 4, height 4, bit depth 1, colour type 1
        in.mark();
        in.readFully(head);
        in.reset();
        int colourType = head[25] & 0xFF;
        return colourType == 4 || colourType == 6;
    }

    private static void requireDecodableSize(Path file, int width, int height, long maxPixels) {
        long pixels = (long) width * height;
        if (width <= 0 || height <= 0) {
            throw new ImageFileException(file, "invalid image size " + width + "x" + height);
        }
        if (pixels > maxPixels || pixels > ARRAY_MAX_PIXELS) {
            throw new ImageFileException(file, "image of " + width + "x" + height + " = " + pixels
                    + " pixels exceeds the limit of " + Math.min(maxPixels, ARRAY_MAX_PIXELS) + " pixels");
        }
    }

    /**
     * The JDK's JPEG decoder converts the pixels of a file with an embedded ICC profile to sRGB by default; Pillow
     * keeps the stored values. Decoding into an image of the embedded colour space (which the decoder offers as a
     * later image type of the same kind) keeps them here too.
     */
    private static ImageReadParam storedColours(ImageReader reader, int width, int height) throws IOException {
        ImageReadParam param = reader.getDefaultReadParam();
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        if (!types.hasNext()) {
            return param;
        }
        ColorSpace preferred = types.next().getColorModel().getColorSpace();
        while (types.hasNext()) {
            ImageTypeSpecifier type = types.next();
            ColorSpace space = type.getColorModel().getColorSpace();
            if (space instanceof ICC_ColorSpace && !space.isCS_sRGB() && !space.equals(preferred)
                    && space.getType() == preferred.getType() && space.getNumComponents() == preferred.getNumComponents()) {
                param.setDestination(type.createBufferedImage(width, height));
                break;
            }
        }
        return param;
    }

    private static BufferedImage decode(ImageReader reader, ImageReadParam param, Path file) throws IOException {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        BufferedImage image = reader.read(0, param);
        if (!warnings.isEmpty()) {
            throw new ImageFileException(file, "truncated or corrupt image data: " + String.join("; ", warnings));
        }
        return image;
    }
}
