package vtc.loaders.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The fixed-point resize against a direct double-precision evaluation of Pillow's formula, written out here from
 * its description (kernel in expanded form, weights divided by filterscale), one axis at a time.
 *
 * <p>Tolerance: an output must be a nearest integer of the clamped exact value, with a slack of 1e-3 at the .5
 * boundary. The slack bounds the fixed-point error: each weight is rounded to 2^-22, so with at most 23 taps
 * (downscale 200→37) on 0..255 samples the sum is off by at most 23 · 255 · 2^-23 ≈ 7e-4.
 */
class BicubicResizeTest {

    private static final double BOUNDARY_SLACK = 1e-3;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"150, 112", "200, 37", "130, 113", "7, 19", "96, 130", "1, 5", "5, 1", "2, 3"})
    void horizontalPassMatchesDoubleFormula(int in, int out) {
        RgbImage image = noise(in, 4, 1);
        RgbImage resized = BicubicResize.resize(image, out, 4);
        for (int y = 0; y < 4; y++) {
            for (int c = 0; c < 3; c++) {
                double[] line = new double[in];
                for (int x = 0; x < in; x++) {
                    line[x] = image.sample(x, y, c);
                }
                double[] exact = resampleLine(line, out);
                for (int x = 0; x < out; x++) {
                    assertNearest(exact[x], resized.sample(x, y, c), "row " + y + " x " + x + " c " + c);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"100, 112", "150, 84", "7, 19", "37, 11", "1, 3", "4, 1"})
    void verticalPassMatchesDoubleFormula(int in, int out) {
        RgbImage image = noise(3, in, 2);
        RgbImage resized = BicubicResize.resize(image, 3, out);
        for (int x = 0; x < 3; x++) {
            for (int c = 0; c < 3; c++) {
                double[] line = new double[in];
                for (int y = 0; y < in; y++) {
                    line[y] = image.sample(x, y, c);
                }
                double[] exact = resampleLine(line, out);
                for (int y = 0; y < out; y++) {
                    assertNearest(exact[y], resized.sample(x, y, c), "column " + x + " y " + y + " c " + c);
                }
            }
        }
    }

    @Test
    void horizontalPassComesFirstWithAnEightBitIntermediate() {
        RgbImage image = noise(150, 100, 3);
        RgbImage widthFirst = BicubicResize.resize(BicubicResize.resize(image, 168, 100), 168, 112);
        assertArrayEquals(widthFirst.rgb(), BicubicResize.resize(image, 168, 112).rgb());
    }

    @Test
    void unchangedSizeIsTheSameImage() {
        RgbImage image = noise(9, 5, 4);
        assertSame(image, BicubicResize.resize(image, 9, 5));
    }

    @ParameterizedTest(name = "level {0}")
    @CsvSource({"0", "1", "128", "254", "255"})
    void flatImageStaysFlat(int level) {
        // The fixed-point weights of an output sum to 2^22 within ±taps/2, far inside the 2^21 rounding margin.
        RgbImage flat = RgbImage.filled(37, 23, level, level, level);
        RgbImage resized = BicubicResize.resize(flat, 112, 9);
        for (byte b : resized.rgb()) {
            assertEquals(level, b & 0xFF);
        }
    }

    /** Pillow's separable bicubic for one line, in double, from the published description. */
    private static double[] resampleLine(double[] in, int outSize) {
        double scale = (double) in.length / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = 2.0 * filterscale;
        double[] out = new double[outSize];
        for (int o = 0; o < outSize; o++) {
            double center = (o + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), in.length);
            double sum = 0;
            double weighted = 0;
            for (int x = xmin; x < xmax; x++) {
                double w = keys((x - center + 0.5) / filterscale);
                sum += w;
                weighted += w * in[x];
            }
            out[o] = weighted / sum;
        }
        return out;
    }

    /** Keys' cubic, a = −0.5, in the textbook form. */
    private static double keys(double t) {
        double a = -0.5;
        double x = Math.abs(t);
        if (x < 1) {
            return (a + 2) * x * x * x - (a + 3) * x * x + 1;
        }
        if (x < 2) {
            return a * (x * x * x - 5 * x * x + 8 * x - 4);
        }
        return 0;
    }

    private static void assertNearest(double exact, int actual, String where) {
        double clamped = Math.min(Math.max(exact, 0), 255);
        if (Math.abs(actual - clamped) > 0.5 + BOUNDARY_SLACK) {
            fail(where + ": got " + actual + ", exact value " + exact);
        }
    }

    private static RgbImage noise(int width, int height, long seed) {
        byte[] rgb = new byte[width * height * 3];
        new Random(seed).nextBytes(rgb);
        return new RgbImage(width, height, rgb);
    }
}
