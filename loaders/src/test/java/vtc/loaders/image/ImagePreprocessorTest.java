package vtc.loaders.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The geometry of the two modes on synthetic images, and the normalisation arithmetic. */
class ImagePreprocessorTest {

    private static final double[] MEAN = {0.48145466, 0.4578275, 0.40821073};
    private static final double[] STD = {0.26862954, 0.26130258, 0.27577711};

    @TempDir
    Path dir;

    private static ImagePreprocessor preprocessor(int edge, int crop, boolean rescale, boolean normalize) {
        return ImagePreprocessor.of(new PreprocessorConfig(edge, crop, MEAN, STD, 1 / 255.0, rescale, normalize));
    }

    @Test
    void padCentresATallImageOnTheMeanColour() {
        ImagePreprocessor pre = preprocessor(8, 8, true, true);
        RgbImage tall = RgbImage.filled(3, 8, 1, 2, 3);

        RgbImage square = pre.padToSquare(tall);

        assertEquals(8, square.width());
        assertEquals(8, square.height());
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                boolean inside = x >= 2 && x < 5; // (8 − 3) / 2 = 2, floor
                int[] expected = inside ? new int[] {1, 2, 3} : new int[] {122, 116, 104};
                for (int c = 0; c < 3; c++) {
                    assertEquals(expected[c], square.sample(x, y, c), "(" + x + ", " + y + ") c" + c);
                }
            }
        }
    }

    @Test
    void padModeOfASquareImageEqualsCropMode() {
        ImagePreprocessor pre = preprocessor(8, 8, true, true);
        RgbImage square = noise(13, 13);
        assertArrayEquals(pre.modelView(square, PreprocessMode.CROP).rgb(), pre.modelView(square, PreprocessMode.PAD).rgb());
    }

    @Test
    void cropModeTakesTheCentreWithFloorOffsets() {
        // Shortest edge already S: no resize; 13 − 8 = 5 → left 2 (floor), not 3 (round half up).
        ImagePreprocessor pre = preprocessor(8, 8, true, true);
        RgbImage wide = noise(13, 8);
        assertArrayEquals(wide.region(2, 0, 8, 8).rgb(), pre.modelView(wide, PreprocessMode.CROP).rgb());
    }

    @Test
    void longSideIsTruncatedAfterDoubleDivision() {
        // 112 · 151 / 100 = 169.12 → 169; 112 · 130 / 96 = 151.67 → 151 (truncation, not rounding)
        ImagePreprocessor pre = preprocessor(112, 112, true, true);
        assertEquals(169, pre.resizeShortestEdge(noise(151, 100)).width());
        assertEquals(151, pre.resizeShortestEdge(noise(96, 130)).height());
        assertEquals(112, pre.resizeShortestEdge(noise(96, 130)).width());
    }

    @Test
    void cropSmallerThanShortestEdge() {
        ImagePreprocessor pre = preprocessor(10, 8, true, true);
        RgbImage image = noise(20, 15);
        RgbImage resized = pre.resizeShortestEdge(image); // 13x10
        assertEquals(13, resized.width());
        assertArrayEquals(resized.region(2, 1, 8, 8).rgb(), pre.modelView(image, PreprocessMode.CROP).rgb());
    }

    @Test
    void normalisationIsComputedInDoubleAndRoundedOnce() {
        ImagePreprocessor pre = preprocessor(2, 2, true, true);
        RgbImage view = new RgbImage(2, 2, new byte[] {0, 1, 2, 127, (byte) 128, (byte) 129, (byte) 200, 50, 7, (byte) 255, (byte) 255, (byte) 255});

        float[] chw = pre.normalize(view).chw();

        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 4; i++) {
                int level = view.rgb()[i * 3 + c] & 0xFF;
                assertEquals((float) ((level / 255.0 - MEAN[c]) / STD[c]), chw[c * 4 + i], "c" + c + " pixel " + i);
            }
        }
    }

    @Test
    void rescaleAndNormalizeCanBeSwitchedOff() {
        RgbImage view = RgbImage.filled(2, 2, 0, 51, 255);
        assertArrayEquals(new float[] {0, 0, 0, 0, 51, 51, 51, 51, 255, 255, 255, 255},
                preprocessor(2, 2, false, false).normalize(view).chw());
        assertArrayEquals(new float[] {0, 0, 0, 0, 0.2f, 0.2f, 0.2f, 0.2f, 1, 1, 1, 1},
                preprocessor(2, 2, true, false).normalize(view).chw());
    }

    @Test
    void extremelyThinImageIsRefusedInBothModes() throws IOException {
        // Crop mode would resize it to 336000000x336, pad mode would paste it on a 1000000² canvas.
        ImagePreprocessor pre = preprocessor(336, 336, true, true);
        Path file = dir.resolve("line.png");
        ImageIO.write(new BufferedImage(1_000_000, 1, BufferedImage.TYPE_BYTE_GRAY), "png", file.toFile());

        for (PreprocessMode mode : PreprocessMode.values()) {
            ImageFileException e = assertThrows(ImageFileException.class, () -> pre.preprocess(file, mode));
            assertEquals(file, e.file());
            assertTrue(e.getMessage().contains("too elongated"), e.getMessage());
        }
    }

    @Test
    void modelViewHasSideS() {
        ImagePreprocessor pre = preprocessor(24, 24, true, true);
        for (PreprocessMode mode : PreprocessMode.values()) {
            RgbImage view = pre.modelView(noise(50, 31), mode);
            assertEquals(24, view.width());
            assertEquals(24, view.height());
            assertEquals(24, pre.preprocess(noise(50, 31), mode).size());
        }
    }

    private static RgbImage noise(int width, int height) {
        byte[] rgb = new byte[width * height * 3];
        new Random(width * 31L + height).nextBytes(rgb);
        return new RgbImage(width, height, rgb);
    }
}
