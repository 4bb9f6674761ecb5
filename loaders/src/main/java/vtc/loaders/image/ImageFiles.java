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
 * Decodes image files into {@link RgbImage}s with {@code javax.imageio}, converted to RGB as Pillow would
 * (see {@link PillowRgbConversion}). The dimensions are read from the header first, so an image whose pixels would
 * not fit in memory is refused before anything is decoded. Decoder warnings (libjpeg's "premature end of data" for
 * a truncated JPEG, which otherwise decodes into grey filler) are errors, as they are for Pillow.
 *
 * <p>Not done, like the reference: embedded colour profiles are not applied (see {@link #storedColours}), and
 * {@link #read} ignores the EXIF orientation as the original LLaVA does ({@link #readUpright} applies it).
 *
 * <p>Formats: PNG, JPEG (baseline and progressive; CMYK and YCCK; 4:4:0 chroma interpolated as libjpeg-turbo
 * does; arithmetic-coded, sequential and progressive, decoded here by {@link ArithmeticJpeg} since the JDK refuses
 * it), GIF (the first frame, on its logical screen), BMP, TIFF (16-bit with the horizontal differencing predictor
 * undone here, {@link TiffPredictor}; 16-bit CMYK; premultiplied alpha as Pillow un-premultiplies it) and WebP
 * ({@link WebpFile}: lossless, lossy with or without alpha, and the first frame of animations, on its canvas), each
 * checked against Pillow's pixels. Refused as Pillow refuses them: 16-bit grey TIFF with alpha, lossless and
 * hierarchical arithmetic JPEG, arithmetic JPEG data past Pillow's 64 KiB reads ({@link ArithmeticJpeg#PILLOW_READ}),
 * JPEG samples of more than 8 bits. Refused because the reference's result is not reproduced: CIE L*a*b* TIFF,
 * Huffman-coded progressive JPEG with incomplete low frequencies ({@link JpegProgression}).
 */
public final class ImageFiles {

    /** Default bound on width × height: 100 megapixels (300 MB as RGB). */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;
    /** Hard bound: the RGB bytes must fit in one Java array. */
    private static final long ARRAY_MAX_PIXELS = (Integer.MAX_VALUE - 8) / 3;

    /** ImageIO format names read here: each checked against Pillow's pixels in the tests. */
    private static final java.util.Set<String> SUPPORTED = java.util.Set.of("png", "jpeg", "gif", "bmp", "tif", "tiff");
    private static final String SUPPORTED_NAMES =
            "PNG, JPEG, GIF (first frame), BMP, TIFF and WebP (lossless, lossy, the first frame of animations)";

    private ImageFiles() {
    }

    /** Reads an image file of at most {@link #DEFAULT_MAX_PIXELS} pixels. */
    public static RgbImage read(Path file) {
        return read(file, DEFAULT_MAX_PIXELS);
    }

    /** Reads an image file of at most {@code maxPixels} pixels (width × height). */
    public static RgbImage read(Path file, long maxPixels) {
        requireNonEmptyFile(file);
        byte[] head = head(file);
        boolean webp = WebpFile.isWebp(head);
        try (ImageInputStream in = webp ? null : ImageIO.createImageInputStream(file.toFile())) {
            if (webp) {
                return WebpFile.read(file, Math.min(maxPixels, ARRAY_MAX_PIXELS));
            }
            JpegHeader jpeg = isJpeg(head) ? JpegHeader.read(file) : null;
            if (jpeg != null && jpeg.arithmetic()) {
                // The JDK's decoder refuses arithmetic coding: decoded here.
                return ArithmeticJpeg.read(file, jpeg, Math.min(maxPixels, ARRAY_MAX_PIXELS));
            }
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
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                PngChunks png = format.equals("png") ? PngChunks.read(file) : null;
                int[] gifScreen = format.equals("gif") ? GifScreen.screenSize(reader) : null;
                if (gifScreen != null) {
                    requireDecodableSize(file, gifScreen[0], gifScreen[1], maxPixels);
                }
                if (format.equals("jpeg")) {
                    RgbImage differently = jpegWhereTheJdkDiffers(reader, jpeg, file);
                    if (differently != null) {
                        return differently;
                    }
                }
                boolean tiff = format.startsWith("tif");
                BufferedImage image = tiff && TiffPredictor.sixteenBitDifferencing(reader.getImageMetadata(0))
                        ? decodeSixteenBitDifferences(reader, file, width)
                        : decode(reader, storedColours(reader, width, height), file);
                if (gifScreen != null) {
                    image = GifScreen.onScreen(reader, image, gifScreen);
                } else if (tiff) {
                    RgbImage differently = TiffColours.whereTheJdkDiffers(reader, image, file);
                    if (differently != null) {
                        return differently;
                    }
                    image = TiffPalette.withPillowPalette(reader, image);
                } else if (png != null && png.colourType() == 3
                        && image.getColorModel() instanceof java.awt.image.IndexColorModel decoded) {
                    image = new BufferedImage(PngChunks.pillowPalette(decoded, png.paletteEntries()), image.getRaster(),
                            false, null);
                }
                return PillowRgbConversion.toRgb(image, storedAlpha, file);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw decodingFailed(file, e);
        } catch (ImageFileException e) {
            throw e;
        } catch (RuntimeException e) {
            // The JDK decoders signal some malformed streams with unchecked exceptions from deep inside.
            throw new ImageFileException(file, "corrupt image data: " + e, e);
        } catch (OutOfMemoryError e) {
            throw decodingFailed(file, e);
        }
    }

    /**
     * The error for a decoder that gave up. ImageIO wraps what went wrong inside it in an exception
     * whose own message is only "Caught exception during read: ", so the cause is read too; a heap
     * that ran out is said as such, with what to do.
     */
    static ImageFileException decodingFailed(Path file, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return new ImageFileException(file, "the Java heap ran out while decoding the image; give the JVM"
                        + " more (-Xmx, e.g. VTC_JAVA_OPTS=-Xmx4g) or pass a smaller image", failure);
            }
        }
        StringBuilder why = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
            if (!message.isEmpty() && why.indexOf(message) < 0) {
                why.append(why.isEmpty() ? "" : ": ").append(message.replaceAll(":$", ""));
            }
        }
        return new ImageFileException(file, "cannot decode the image: " + why, failure);
    }

    /**
     * The JPEGs whose samples the JDK's decoder turns into colours differently from the reference
     * (see {@link JpegSampleConversion}): decoded as raw samples and converted here. Null for the
     * others, which the JDK decodes exactly as the reference does.
     */
    private static RgbImage jpegWhereTheJdkDiffers(ImageReader reader, JpegHeader header, Path file) throws IOException {
        if (header.frameMarker() == 0xC2 && JpegProgression.ofFile(file).smoothedByTheReference()) {
            throw JpegProgression.smoothingRefused(file);
        }
        if (header.components() == 4) {
            return JpegSampleConversion.fourChannels(readRaw(reader, file), header.ycck());
        }
        if (header.ycbcr()) {
            boolean[] halfHeight = {header.halfHeightOnly(0), header.halfHeightOnly(1), header.halfHeightOnly(2)};
            if (!halfHeight[0] && (halfHeight[1] || halfHeight[2])) {
                return JpegSampleConversion.fancy440(readRaw(reader, file), halfHeight);
            }
        }
        return null;
    }

    /** The decoded samples before colour conversion, with decoder warnings as errors. */
    private static java.awt.image.Raster readRaw(ImageReader reader, Path file) throws IOException {
        return withoutWarnings(reader, file, () -> reader.readRaster(0, null));
    }

    /** One decoding step of the JDK's reader. */
    private interface Decoding<T> {
        T run() throws IOException;
    }

    /**
     * Runs a decoding step with the reader's warnings turned into errors: libjpeg's "premature end
     * of data" for a truncated JPEG otherwise decodes into grey filler, where Pillow raises.
     */
    private static <T> T withoutWarnings(ImageReader reader, Path file, Decoding<T> step) throws IOException {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        T result = step.run();
        if (!warnings.isEmpty()) {
            throw new ImageFileException(file, "truncated or corrupt image data: " + String.join("; ", warnings));
        }
        return result;
    }

    /**
     * Reads an image and turns it upright by its EXIF orientation, as transformers' {@code load_image}
     * does with Pillow's {@code ImageOps.exif_transpose}: a phone portrait stored sideways reaches the
     * model standing up. The original LLaVA does not, which is why {@link #read} does not either.
     * Orientation is read from a JPEG's EXIF segment, a PNG's {@code eXIf} chunk and a WebP's {@code EXIF} chunk.
     */
    public static RgbImage readUpright(Path file) {
        RgbImage image = read(file);
        return ExifOrientation.apply(image, orientation(file));
    }

    private static boolean isJpeg(byte[] head) {
        return head.length >= 2 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8;
    }

    private static byte[] head(Path file) {
        try (var in = Files.newInputStream(file)) {
            return in.readNBytes(12);
        } catch (IOException e) {
            throw new ImageFileException(file, "cannot read the file: " + e.getMessage(), e);
        }
    }

    /** The EXIF orientation (1–8) of a JPEG, PNG or WebP file, or 0 when the file has none. */
    public static int orientation(Path file) {
        requireNonEmptyFile(file);
        byte[] magic = head(file);
        try {
            if (WebpFile.isWebp(magic)) {
                return WebpFile.exifOrientation(file);
            }
            if (isJpeg(magic)) {
                return JpegHeader.read(file).exifOrientation();
            }
            if (magic.length >= 2 && (magic[0] & 0xFF) == 0x89 && magic[1] == 'P') {
                return PngChunks.read(file).exifOrientation();
            }
            return 0;
        } catch (IOException e) {
            throw new ImageFileException(file, "cannot read the file: " + e.getMessage(), e);
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
            throw new ImageFileException(file, unrecognised(in));
        }
        ImageReader reader = readers.next();
        String format = reader.getFormatName().toLowerCase(Locale.ROOT);
        if (!SUPPORTED.contains(format)) {
            reader.dispose();
            throw new ImageFileException(file, "unsupported image format " + format + "; " + SUPPORTED_NAMES
                    + " are supported");
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

    /** The refusal for content no reader recognises, naming the format when its signature says what it is. */
    private static String unrecognised(ImageInputStream in) throws IOException {
        byte[] head = new byte[12];
        in.seek(0);
        int n = in.read(head);
        String ascii = new String(head, 0, Math.max(n, 0), java.nio.charset.StandardCharsets.ISO_8859_1);
        String known = n == 12 && ascii.startsWith("ftyp", 4) ? "an HEIF/AVIF image, which is not supported"
                : "not an image format this engine reads (unrecognised content)";
        return known + "; " + SUPPORTED_NAMES + " are supported: convert it first (e.g. to PNG)";
    }

    static void requireDecodableSize(Path file, int width, int height, long maxPixels) {
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

    /**
     * A TIFF with 16-bit samples stored as horizontal differences ({@link TiffPredictor}): the JDK's
     * reader decompresses a copy that declares no predictor, and the differences are summed here.
     */
    private static BufferedImage decodeSixteenBitDifferences(ImageReader reader, Path file, int width)
            throws IOException {
        int runWidth = TiffPredictor.runWidth(reader.getImageMetadata(0), width);
        ImageReader plain = reader.getOriginatingProvider().createReaderInstance();
        try (ImageInputStream in = TiffPredictor.withoutPredictor(file)) {
            plain.setInput(in, true, true);
            BufferedImage image = decode(plain, plain.getDefaultReadParam(), file);
            TiffPredictor.undo(image.getRaster(), runWidth);
            return image;
        } finally {
            plain.dispose();
        }
    }

    private static BufferedImage decode(ImageReader reader, ImageReadParam param, Path file) throws IOException {
        return withoutWarnings(reader, file, () -> reader.read(0, param));
    }
}
