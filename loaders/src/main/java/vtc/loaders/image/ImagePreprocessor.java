package vtc.loaders.image;

import java.nio.file.Path;

/**
 * Turns an image into the vision tower's input, as LLaVA-1.5 does (docs/semantics.md, "Image preprocessing"):
 * <ol>
 *   <li>PAD mode only: paste the image on a square canvas of the mean colour, centred with floor offsets;</li>
 *   <li>resize with Pillow's BICUBIC so the short side is {@code shortest_edge} (the long side becomes
 *       {@code (int)(edge · long / short)});</li>
 *   <li>crop the centre S×S with floor offsets (Hugging Face's rule, not torchvision's rounding);</li>
 *   <li>rescale, normalise, lay out channel-major as float32.</li>
 * </ol>
 * Steps 1–3 are public so the 8-bit S×S image the model sees can be shown ({@link #modelView}).
 *
 * <p>Arithmetic of step 4: {@code (u8 · rescale_factor − mean) / std} is computed in double and rounded once to
 * float. This reproduces the golden pixel values bit for bit. (Hugging Face rounds to float32 after the rescale and
 * normalises in float32, which differs by at most 2.4e-7.) Only 256 levels exist per channel, so the result is a
 * lookup table.
 */
public final class ImagePreprocessor {

    /** Bound on the pad canvas and the resized image (600 MB as RGB), so an extreme aspect ratio fails clearly. */
    public static final long MAX_INTERMEDIATE_PIXELS = 200_000_000L;

    private final PreprocessorConfig config;
    /** {@code normalized[c][v]}: the pixel value of level v (0..255) in channel c. */
    private final float[][] normalized;

    private ImagePreprocessor(PreprocessorConfig config) {
        this.config = config;
        this.normalized = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                normalized[c][v] = (float) level(config, c, v);
            }
        }
    }

    /** A preprocessor for a model directory's {@code preprocessor_config.json}. */
    public static ImagePreprocessor load(Path preprocessorConfigJson) {
        return new ImagePreprocessor(PreprocessorConfig.read(preprocessorConfigJson));
    }

    public static ImagePreprocessor of(PreprocessorConfig config) {
        return new ImagePreprocessor(config);
    }

    public PreprocessorConfig config() {
        return config;
    }

    /** S: the side of the square the model sees. */
    public int size() {
        return config.cropSize();
    }

    /** Reads an image file ({@link ImageFiles}) and preprocesses it. */
    public PixelValues preprocess(Path imageFile, PreprocessMode mode) {
        RgbImage image = ImageFiles.read(imageFile);
        try {
            return preprocess(image, mode);
        } catch (ImageFileException e) {
            throw e.file() != null ? e : new ImageFileException(imageFile, e.getMessage(), e);
        }
    }

    /**
     * Preprocesses a decoded image.
     *
     * @throws ImageFileException (without a file) when the aspect ratio is so extreme that the pad canvas or the
     *                            resized image would exceed {@link #MAX_INTERMEDIATE_PIXELS}
     */
    public PixelValues preprocess(RgbImage image, PreprocessMode mode) {
        return normalize(modelView(image, mode));
    }

    /** The S×S 8-bit image the model sees, before rescaling and normalisation. */
    public RgbImage modelView(RgbImage image, PreprocessMode mode) {
        RgbImage square = mode == PreprocessMode.PAD ? padToSquare(image) : image;
        return centerCrop(resizeShortestEdge(square));
    }

    /** LLaVA's {@code expand2square}: the image centred (floor offsets) on a square canvas of {@link PreprocessorConfig#padColor()}. */
    public RgbImage padToSquare(RgbImage image) {
        int side = Math.max(image.width(), image.height());
        requireIntermediate(image, "padding it to a square", side, side);
        int[] fill = config.padColor();
        RgbImage canvas = RgbImage.filled(side, side, fill[0], fill[1], fill[2]);
        return canvas.paste(image, (side - image.width()) / 2, (side - image.height()) / 2);
    }

    /** Pillow-exact bicubic resize so the short side is {@code shortest_edge}. */
    public RgbImage resizeShortestEdge(RgbImage image) {
        int[] size = resizedSize(image);
        return BicubicResize.resize(image, size[0], size[1]);
    }

    /** The centre S×S, top-left at ((w − S) / 2, (h − S) / 2) with floor division. */
    public RgbImage centerCrop(RgbImage image) {
        int s = size();
        return image.region((image.width() - s) / 2, (image.height() - s) / 2, s, s);
    }

    /** Rescales and normalises an S×S image into channel-major float32. */
    public PixelValues normalize(RgbImage view) {
        int s = size();
        if (view.width() != s || view.height() != s) {
            throw new IllegalArgumentException("expected a " + s + "x" + s + " image, got " + view.width() + "x" + view.height());
        }
        byte[] rgb = view.rgb();
        float[] chw = new float[3 * s * s];
        for (int c = 0; c < 3; c++) {
            float[] table = normalized[c];
            int plane = c * s * s;
            for (int i = 0; i < s * s; i++) {
                chw[plane + i] = table[rgb[i * 3 + c] & 0xFF];
            }
        }
        return new PixelValues(s, chw);
    }

    /**
     * {@code {width, height}} after the shortest-edge resize, as Hugging Face computes it. A very thin image would
     * need an enormous intermediate; it is refused (an {@link ImageFileException} without a file) instead.
     */
    private int[] resizedSize(RgbImage image) {
        int edge = config.shortestEdge();
        int shortSide = Math.min(image.width(), image.height());
        int longSide = Math.max(image.width(), image.height());
        double newLong = (double) ((long) edge * longSide) / shortSide;
        requireIntermediate(image, "resizing its short side to " + edge, newLong, edge);
        return image.width() <= image.height() ? new int[] {edge, (int) newLong} : new int[] {(int) newLong, edge};
    }

    /** Refuses (as an {@link ImageFileException} without a file) a step whose result would be absurdly large. */
    private static void requireIntermediate(RgbImage image, String step, double width, double height) {
        if (width * height > MAX_INTERMEDIATE_PIXELS) {
            throw new ImageFileException(null, "a " + image.width() + "x" + image.height() + " image is too elongated: "
                    + step + " needs " + (long) width + "x" + (long) height + " pixels, more than "
                    + MAX_INTERMEDIATE_PIXELS);
        }
    }

    private static double level(PreprocessorConfig config, int c, int v) {
        double x = config.doRescale() ? v * config.rescaleFactor() : v;
        return config.doNormalize() ? (x - config.imageMean()[c]) / config.imageStd()[c] : x;
    }
}
