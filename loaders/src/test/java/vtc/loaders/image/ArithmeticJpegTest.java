package vtc.loaders.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The arithmetic-coded JPEG path's own steps. Its end result is checked against Pillow in
 * {@link PillowReferenceImagesTest}; here its samples are checked, before colour conversion,
 * against the JDK's decoder on the same coefficients.
 */
class ArithmeticJpegTest {

    private static Path reference(String name) throws Exception {
        return Path.of(ArithmeticJpegTest.class.getResource("/pillow-reference/" + name).toURI());
    }

    /**
     * Each arithmetic file here is a lossless transcoding of a Huffman-coded one (the same
     * quantized coefficients, entropy-coded differently). The JDK's decoder (libjpeg 6b) gives
     * the Huffman file's samples before colour conversion ({@code readRaster}); ours decodes the
     * arithmetic twin. Equal samples everywhere mean the arithmetic decoding recovered every
     * coefficient and our inverse DCT is bit-exact with libjpeg's integer ("islow") one, which
     * is also the one the JDK uses — for 4:4:4 and grey directly, and for 4:2:2 and 4:2:0 through
     * the fancy upsampling, which libjpeg 6b and libjpeg-turbo share for those two ratios.
     */
    @ParameterizedTest
    @CsvSource({
        "jpeg-444-q100.jpg, jpeg-arithmetic-444-q100.jpg",
        "jpeg-grey.jpg, jpeg-arithmetic-grey.jpg",
        "jpeg-422.jpg, jpeg-arithmetic-422.jpg",
        "jpeg-photo-restart.jpg, jpeg-arithmetic-photo-restart.jpg",
        "jpeg-photo-restart.jpg, jpeg-arithmetic-photo-progressive.jpg",
    })
    void samplesEqualTheJdkDecoderOnTheHuffmanTwin(String huffman, String arithmetic) throws Exception {
        Raster jdk = jdkRawSamples(reference(huffman));
        Path file = reference(arithmetic);
        ArithmeticJpeg.Samples ours = ArithmeticJpeg.samples(file, JpegHeader.read(file), Long.MAX_VALUE);
        assertEquals(jdk.getWidth() + "x" + jdk.getHeight(), ours.width() + "x" + ours.height());
        assertEquals(jdk.getNumBands(), ours.planes().length);
        for (int c = 0; c < ours.planes().length; c++) {
            int[] expected = jdk.getSamples(0, 0, jdk.getWidth(), jdk.getHeight(), c, new int[ours.planes()[c].length]);
            assertArrayEquals(expected, unsigned(ours.planes()[c]), "component " + c);
        }
    }

    private static Raster jdkRawSamples(Path file) throws Exception {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            try {
                reader.setInput(in);
                return reader.readRaster(0, null);
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * The reference reads a JPEG 64 KiB at a time and cannot wait for more data inside
     * arithmetic-coded data ({@link ArithmeticJpeg#PILLOW_READ}). Padding a file with a comment
     * segment after SOI moves its data; what Pillow 9.4 did with each padded file, measured:
     * 65,536 bytes — the same pixels; 65,537 bytes — "broken data stream" (the end-of-image
     * marker, which the decoder reads ahead into, is one byte past the first read); padded by
     * more than 64 KiB, so the header runs past the first read and the decoder suspends there
     * and reads on — the same pixels again. Sequential with restarts, and progressive.
     */
    @ParameterizedTest
    @CsvSource({"jpeg-arithmetic-photo-restart.jpg", "jpeg-arithmetic-photo-progressive.jpg"})
    void refusedExactlyWhereTheReferencesReadsFallShort(String name, @TempDir Path dir) throws Exception {
        byte[] jpeg = Files.readAllBytes(reference(name));
        byte[] pixels = ImageFiles.read(reference(name)).rgb();

        Path fits = Files.write(dir.resolve("fits.jpg"), paddedTo(jpeg, 65_536));
        assertArrayEquals(pixels, ImageFiles.read(fits).rgb());

        Path oneOver = Files.write(dir.resolve("one-over.jpg"), paddedTo(jpeg, 65_537));
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFiles.read(oneOver));
        assertTrue(e.getMessage().contains("runs past byte 65536") && e.getMessage().contains("Pillow"), e.getMessage());

        Path headerPast = Files.write(dir.resolve("header-past.jpg"), paddedTo(jpeg, 65_536 + jpeg.length + 8));
        assertArrayEquals(pixels, ImageFiles.read(headerPast).rgb());
    }

    /** The JPEG with comment segments (COM) inserted after SOI so that it is {@code total} bytes long. */
    private static byte[] paddedTo(byte[] jpeg, int total) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        int pad = total - jpeg.length;
        while (pad > 0) {
            int body = Math.min(pad - 4, 65_533);
            out.write(0xFF);
            out.write(0xFE);
            out.write((body + 2) >> 8);
            out.write((body + 2) & 0xFF);
            out.writeBytes(new byte[body]);
            pad -= body + 4;
        }
        out.write(jpeg, 2, jpeg.length - 2);
        assertEquals(total, out.size());
        return out.toByteArray();
    }

    /**
     * A block with only a DC coefficient d (quantizer q) is flat at 128 + (4·d·q + 16) >> 5, the
     * DC scaled by 1/8 and rounded through the two passes; libjpeg wraps the result to 10 bits
     * before clamping, so a far too bright block comes out black, not white.
     */
    @Test
    void flatBlocksByHand() {
        assertEquals(130, flatBlock(1, 16)); // 4·16 = 64; (64 + 16) >> 5 = 2
        assertEquals(124, flatBlock(-3, 10)); // −120; (−120 + 16) >> 5 = −4 (rounded toward −∞)
        assertEquals(255, flatBlock(200, 10)); // 8000 → 250, + 128 clamps at 255
        assertEquals(0, flatBlock(480, 10)); // 19200 → 600, which wraps to −424 in 10 bits: 0
    }

    private static int flatBlock(int dc, int q) {
        short[] coefficients = new short[64];
        coefficients[0] = (short) dc;
        int[] quant = new int[64];
        Arrays.fill(quant, q);
        byte[] out = new byte[64];
        new InverseDct().transform(coefficients, 0, quant, out);
        for (byte v : out) {
            assertEquals(out[0], v, "a DC-only block is flat");
        }
        return out[0] & 0xFF;
    }

    /** Samples stored as bytes, read unsigned. */
    static int[] unsigned(byte[] samples) {
        int[] out = new int[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = samples[i] & 0xFF;
        }
        return out;
    }

    /** Samples 0–255 as bytes. */
    static byte[] samples(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    /**
     * The 3:1 filters on numbers worked by hand: across, the outer samples are the stored ones;
     * both ways on a single stored row, the column sums are 4× the samples, so the result is the
     * same with biases 8 and 7 in sixteenths.
     */
    @Test
    void fancyUpsamplingByHand() {
        byte[] row = samples(0, 100, 200);
        // (3·0 + 100 + 2) >> 2 = 25, (300 + 0 + 1) >> 2 = 75, (300 + 200 + 2) >> 2 = 125, (600 + 100 + 1) >> 2 = 175
        assertArrayEquals(new int[] {0, 25, 75, 125, 175, 200}, unsigned(JpegUpsampling.fancyColumns(row, 3, 1)));
        // (0 + 8) >> 4 = 0, (0 + 400 + 7) >> 4 = 25, (1200 + 0 + 8) >> 4 = 75, (1200 + 800 + 7) >> 4 = 125, …
        int[] both = unsigned(JpegUpsampling.fancyBoth(row, 3, 1));
        assertArrayEquals(new int[] {0, 25, 75, 125, 175, 200}, Arrays.copyOf(both, 6));
        assertArrayEquals(new int[] {0, 25, 75, 125, 175, 200}, Arrays.copyOfRange(both, 6, 12));
        // Two stored columns are too few for the filter: libjpeg-turbo repeats them instead.
        assertArrayEquals(new int[] {10, 10, 90, 90},
                unsigned(JpegUpsampling.upsample(samples(10, 90), 2, 1, 2, 1, 4, 1)));
    }
}
