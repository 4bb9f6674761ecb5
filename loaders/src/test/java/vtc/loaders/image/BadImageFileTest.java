package vtc.loaders.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;

/** Every unusable file gives an {@link ImageFileException} naming the file and the reason, never a decoder stack trace. */
class BadImageFileTest {

    @TempDir
    Path dir;

    @Test
    void emptyFile() throws IOException {
        Path file = Files.write(dir.resolve("empty.png"), new byte[0]);
        assertRefused(file, "empty");
    }

    @Test
    void textFile() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.png"), "this is not an image\n");
        assertRefused(file, "not an image format this engine reads (unrecognised content)");
    }

    @Test
    void missingFile() {
        assertRefused(dir.resolve("absent.jpg"), "no such image file");
    }

    @Test
    void truncatedPng() throws IOException {
        byte[] png = Files.readAllBytes(Golden.of(Fixtures.TINY_LLAVA).file("image1.png"));
        Path file = Files.write(dir.resolve("cut.png"), Arrays.copyOf(png, png.length / 2));
        assertRefused(file, "cannot decode");
    }

    @Test
    void truncatedJpeg() throws IOException {
        byte[] jpeg = Files.readAllBytes(Golden.of(Fixtures.TINY_LLAVA).file("image2.jpg"));
        Path file = Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
        // libjpeg only warns and fills the rest with grey; Pillow refuses truncated files, and so must we.
        assertRefused(file, "truncated");
    }

    /**
     * A progressive JPEG cut short is refused for what the decoder finds (data ending early, a
     * marker cut in half), as Pillow refuses it — not as the incomplete progression its scan
     * headers would show, which only counts once the file ends with its end-of-image marker.
     */
    @Test
    void truncatedProgressiveJpegIsRefusedForTheCut() throws Exception {
        byte[] jpeg = Files.readAllBytes(Path.of(getClass().getResource("/pillow-reference/jpeg-440-progressive.jpg").toURI()));
        for (int cut = jpeg.length / 3; cut < jpeg.length; cut += jpeg.length / 7) {
            Path file = Files.write(dir.resolve("cut-progressive.jpg"), Arrays.copyOf(jpeg, cut));
            ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFiles.read(file));
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            assertTrue(!e.getMessage().contains("low-frequency"), e.getMessage());
        }
    }

    @Test
    void hugeDeclaredDimensionsAreRefusedBeforeDecoding() throws IOException {
        Path file = Files.write(dir.resolve("bomb.png"), pngHeader(100_000, 100_000));
        assertRefused(file, "100000x100000");
    }

    @Test
    void pixelLimitIsConfigurable() {
        Path image = Golden.of(Fixtures.TINY_LLAVA).file("image1.png"); // 150 x 100
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFiles.read(image, 14_999));
        assertTrue(e.getMessage().contains("14999"), e.getMessage());
        assertEquals(150, ImageFiles.read(image, 15_000).width());
    }

    @Test
    void otherFormatsAreRefusedByName() throws IOException {
        // WBMP: a format the JDK reads but Pillow does not, so there is no reference to match.
        Path file = dir.resolve("picture.wbmp");
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_BINARY), "wbmp", file.toFile());
        assertRefused(file, "unsupported image format wbmp; PNG, JPEG, GIF (first frame), BMP, TIFF and WebP (lossless, lossy, the first frame of animations) are supported");
    }

    /**
     * A lossless WebP cut short at every length and with single bytes flipped throughout: each
     * either decodes or is an ImageFileException naming the file — never another exception.
     */
    @Test
    void damagedLosslessWebpIsRefusedCleanly() throws Exception {
        assertTrue(cutAndChanged("webp-lossless-z9.webp", 13, 7, 20, 5) > 0, "truncated files are refused");
    }

    /**
     * A reference file cut short every {@code cutStep} bytes from {@code firstCut}, then with one
     * byte changed every {@code changeStep} bytes from {@code firstChange}: each must decode or be
     * refused naming the file. Returns how many of the cut files were refused.
     */
    private int cutAndChanged(String name, int firstCut, int cutStep, int firstChange, int changeStep)
            throws Exception {
        byte[] good = Files.readAllBytes(Path.of(getClass().getResource("/pillow-reference/" + name).toURI()));
        Path file = dir.resolve("damaged-" + name);
        int refused = 0;
        for (int cut = firstCut; cut < good.length; cut += cutStep) {
            Files.write(file, Arrays.copyOf(good, cut));
            refused += decodesOrRefusesCleanly(file);
        }
        for (int at = firstChange; at < good.length; at += changeStep) {
            byte[] damaged = good.clone();
            damaged[at] ^= (byte) (0x5A + at);
            Files.write(file, damaged);
            decodesOrRefusesCleanly(file);
        }
        return refused;
    }

    /**
     * Lossy WebP files (simple, with an alpha chunk, animated) cut short and with bytes changed:
     * each decodes or is refused with an ImageFileException naming the file. A cut inside the
     * token data is refused as libwebp refuses it, not decoded from the zeros past the end.
     */
    @Test
    void damagedLossyWebpIsRefusedCleanly() throws Exception {
        for (String name : new String[] {"webp-lossy-partitions-4-simple-filter.webp", "webp-lossy-alpha-filter-gradient.webp",
                "webp-animated-offset-lossy-alpha.webp"}) {
            byte[] good = Files.readAllBytes(Path.of(getClass().getResource("/pillow-reference/" + name).toURI()));
            Path file = dir.resolve("damaged-" + name);
            for (int cut = 13; cut < good.length; cut += 5) {
                byte[] cutShort = Arrays.copyOf(good, cut);
                // keep the RIFF size consistent so that the decoder meets the cut inside the chunks
                ByteBuffer.wrap(cutShort, 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(cut - 8);
                Files.write(file, cutShort);
                decodesOrRefusesCleanly(file);
            }
            for (int at = 12; at < good.length; at += 3) {
                byte[] damaged = good.clone();
                damaged[at] ^= (byte) (0x5A + at);
                Files.write(file, damaged);
                decodesOrRefusesCleanly(file);
            }
        }
    }

    /** Hand-made damage at the places that matter, each refused with its reason. */
    @Test
    void malformedLossyWebpIsRefusedWithTheReason() throws Exception {
        byte[] lossy = Files.readAllBytes(Path.of(getClass().getResource("/pillow-reference/webp-lossy-q5.webp").toURI()));
        // the simple file: RIFF header (12), "VP8 " chunk header (8), frame tag (3), start code (3), size (4)
        Path file = dir.resolve("malformed.webp");

        byte[] huge = lossy.clone();
        huge[26] = (byte) 0xFF;
        huge[27] = (byte) 0x3F; // width 16383
        huge[28] = (byte) 0xFF;
        huge[29] = (byte) 0x3F; // height 16383
        Files.write(file, huge);
        assertRefused(file, "16383x16383 = 268402689 pixels exceeds the limit");

        byte[] noStartCode = lossy.clone();
        noStartCode[23] = 0;
        Files.write(file, noStartCode);
        assertRefused(file, "start code");

        byte[] interFrame = lossy.clone();
        interFrame[20] |= 1;
        Files.write(file, interFrame);
        assertRefused(file, "not a key frame");

        // the last partition cut short while the chunk sizes still agree: the tokens run out
        int cut = lossy.length - 40;
        byte[] shortTokens = Arrays.copyOf(lossy, cut);
        ByteBuffer.wrap(shortTokens, 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(cut - 8);
        ByteBuffer.wrap(shortTokens, 16, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(cut - 20);
        Files.write(file, shortTokens);
        assertRefused(file, "a token partition ends before macroblock");

        Files.write(file, Arrays.copyOf(lossy, lossy.length - 1));
        assertRefused(file, "truncated WebP file");

        byte[] alpha = Files.readAllBytes(Path.of(getClass().getResource("/pillow-reference/webp-lossy-alpha.webp").toURI()));
        int alph = indexOf(alpha, "ALPH");
        byte[] reserved = alpha.clone();
        reserved[alph + 8] |= (byte) 0xC0;
        Files.write(file, reserved);
        assertRefused(file, "corrupt WebP alpha chunk");

        byte[] animated = Files.readAllBytes(
                Path.of(getClass().getResource("/pillow-reference/webp-animated-offset-lossy.webp").toURI()));
        int anmf = indexOf(animated, "ANMF");
        byte[] outside = animated.clone();
        outside[anmf + 8] = 100; // x offset 200 on a 45-pixel canvas
        Files.write(file, outside);
        assertRefused(file, "does not fit the 45x37 canvas");
    }

    private static int indexOf(byte[] data, String id) {
        byte[] needle = id.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 12; i + 4 <= data.length; i++) {
            if (Arrays.equals(data, i, i + 4, needle, 0, 4)) {
                return i;
            }
        }
        throw new AssertionError(id + " not found");
    }

    /**
     * An arithmetic-coded JPEG cut short anywhere (in the header, in a scan, between restart
     * intervals, before the end-of-image marker) is refused as truncated, as Pillow refuses it
     * ("broken data stream"); sequential and progressive.
     */
    @Test
    void truncatedArithmeticJpegIsRefused() throws Exception {
        for (String name : new String[] {"jpeg-arithmetic-photo-restart.jpg", "jpeg-arithmetic-photo-progressive.jpg"}) {
            byte[] good = Files.readAllBytes(Path.of(getClass().getResource("/pillow-reference/" + name).toURI()));
            Path file = dir.resolve("cut-" + name);
            for (int cut = 3; cut < good.length; cut += cut < 700 ? 13 : 397) {
                Files.write(file, Arrays.copyOf(good, cut));
                assertRefused(file, "truncated");
            }
            Files.write(file, Arrays.copyOf(good, good.length - 2)); // all the data, no end-of-image marker
            assertRefused(file, "premature end of data");
        }
    }

    /**
     * Arithmetic-coded JPEGs with single bytes changed throughout — headers, statistics, restart
     * markers — either decode or are refused with an ImageFileException naming the file.
     */
    @Test
    void damagedArithmeticJpegIsRefusedCleanly() throws Exception {
        for (String name : new String[] {"jpeg-arithmetic-progressive-444-restart.jpg", "jpeg-arithmetic-420-restart.jpg"}) {
            byte[] good = Files.readAllBytes(Path.of(getClass().getResource("/pillow-reference/" + name).toURI()));
            Path file = dir.resolve("damaged-" + name);
            int refused = 0;
            for (int at = 2; at < good.length; at += 3) {
                byte[] damaged = good.clone();
                damaged[at] ^= (byte) (0x5A + at);
                Files.write(file, damaged);
                refused += decodesOrRefusesCleanly(file);
            }
            assertTrue(refused > 0, "some damage is detected");
        }
    }

    /**
     * 16-bit TIFFs with the differencing predictor (decompressed by the JDK from a patched copy),
     * cut short and with single bytes changed throughout — the directory included: each decodes
     * or is an ImageFileException naming the file.
     */
    @Test
    void damagedSixteenBitPredictorTiffIsRefusedCleanly() throws Exception {
        for (String name : new String[] {"tiff16-rgb-tiled-predictor.tif", "tiff16-grey-zip-predictor-msb.tif"}) {
            assertTrue(cutAndChanged(name, 9, 211, 0, 37) > 0, "truncated files are refused");
        }
    }

    /** The frame's declared size is checked before any coefficient memory is allocated. */
    @Test
    void hugeArithmeticJpegIsRefusedBeforeDecoding() throws Exception {
        byte[] jpeg = Files.readAllBytes(Path.of(getClass().getResource("/pillow-reference/jpeg-arithmetic.jpg").toURI()));
        int sof = sof(jpeg);
        jpeg[sof + 5] = jpeg[sof + 7] = (byte) 0xFF; // height and width 0xFF.. = 65,5xx each
        jpeg[sof + 6] = jpeg[sof + 8] = (byte) 0xF0;
        assertRefused(Files.write(dir.resolve("huge.jpg"), jpeg), "65520x65520");
    }

    /** Lossless arithmetic coding (SOF11), which the reference's libjpeg-turbo 2.1.5 cannot read either, is named. */
    @Test
    void losslessArithmeticJpegIsRefusedByName() throws Exception {
        byte[] jpeg = Files.readAllBytes(Path.of(getClass().getResource("/pillow-reference/jpeg-arithmetic.jpg").toURI()));
        jpeg[sof(jpeg) + 1] = (byte) 0xCB;
        assertRefused(Files.write(dir.resolve("lossless.jpg"), jpeg), "SOF11 (lossless)");
    }

    /** Where the frame marker (0xFF 0xC9) of a sequential arithmetic JPEG is. */
    private static int sof(byte[] jpeg) {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xC9) {
                return i;
            }
        }
        throw new AssertionError("no SOF9 marker");
    }

    private static int decodesOrRefusesCleanly(Path file) {
        try {
            ImageFiles.read(file);
            return 0;
        } catch (ImageFileException e) {
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            return 1;
        }
    }

    private static void assertRefused(Path file, String reason) {
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFiles.read(file));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    /** PNG signature and a valid IHDR (8-bit RGB) declaring {@code width × height}, then IEND: no pixel data at all. */
    private static byte[] pngHeader(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /**
     * A heap too small for the decoded pixels: ImageIO wraps the OutOfMemoryError in an exception
     * whose message is only "Caught exception during read: ", which used to reach the user as is.
     * Run in a JVM of its own with a 24 MB heap on a 3000 × 3000 PNG (27 MB of RGB).
     */
    @Test
    void heapTooSmallForTheImageSaysSo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path png = dir.resolve("big.png");
        javax.imageio.ImageIO.write(new BufferedImage(3000, 3000, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
        String launcher = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(launcher, "-Xmx24m", "-cp", System.getProperty("java.class.path"),
                BadImageFileTest.class.getName() + "$ReadOne", png.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("big.png") && out.contains("heap ran out while decoding"), out);
    }

    /** Reads one image and prints the refusal's message (the child JVM of the test above). */
    static final class ReadOne {
        public static void main(String[] args) {
            try {
                ImageFiles.read(java.nio.file.Path.of(args[0]));
                System.out.println("decoded");
            } catch (ImageFileException e) {
                System.out.println(e.getMessage());
            }
        }
    }
}
