package vtc.loaders.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;
import vtc.fixtures.Tolerance;

/**
 * The whole preprocessing against the fixtures' references (computed with Pillow and float64): decoding and the
 * 8-bit resize must be bit-exact; the pixel values too, since the same double arithmetic is rounded once to float.
 */
class GoldenPreprocessingTest {

    static Stream<Arguments> cases() {
        return Stream.of(Fixtures.TINY_LLAVA, Fixtures.TINY_LLAVA_BF16).flatMap(fixture ->
                Stream.of("image1", "image2").flatMap(image ->
                        Stream.of(PreprocessMode.values()).map(mode -> Arguments.of(fixture, image, mode))));
    }

    static Stream<Arguments> images() {
        return Stream.of(Fixtures.TINY_LLAVA, Fixtures.TINY_LLAVA_BF16).flatMap(fixture ->
                Stream.of("image1", "image2").map(image -> Arguments.of(fixture, image)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("images")
    void decodedPixelsEqualGolden(String fixture, String image) {
        Golden golden = Golden.of(fixture);
        RgbImage rgb = ImageFiles.read(golden.file(golden.at("images." + image + ".file").getAsString()));
        int[] shape = golden.shape(image + ".rgb");
        assertEquals(shape[0], rgb.height(), "height");
        assertEquals(shape[1], rgb.width(), "width");
        assertArrayEquals(golden.bytes(image + ".rgb"), rgb.rgb(), image + " decoded RGB");
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void resizedImageEqualsGoldenBitForBit(String fixture, String image, PreprocessMode mode) {
        Golden golden = Golden.of(fixture);
        ImagePreprocessor pre = ImagePreprocessor.load(golden.modelDir().resolve("preprocessor_config.json"));
        RgbImage decoded = new RgbImage(golden.shape(image + ".rgb")[1], golden.shape(image + ".rgb")[0],
                golden.bytes(image + ".rgb"));
        RgbImage square = mode == PreprocessMode.PAD ? pre.padToSquare(decoded) : decoded;
        RgbImage resized = pre.resizeShortestEdge(square);

        String name = image + "." + mode.name().toLowerCase(Locale.ROOT) + ".resized";
        int[] shape = golden.shape(name);
        assertEquals(shape[0], resized.height(), "resized height");
        assertEquals(shape[1], resized.width(), "resized width");
        assertArrayEquals(golden.bytes(name), resized.rgb(), name);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void pixelValuesEqualGolden(String fixture, String image, PreprocessMode mode) {
        Golden golden = Golden.of(fixture);
        ImagePreprocessor pre = ImagePreprocessor.load(golden.modelDir().resolve("preprocessor_config.json"));
        PixelValues values = pre.preprocess(golden.file(golden.at("images." + image + ".file").getAsString()), mode);

        String name = image + "." + mode.name().toLowerCase(Locale.ROOT) + ".pixel_values";
        assertArrayEquals(new int[] {3, pre.size(), pre.size()}, golden.shape(name));
        assertEquals(pre.size(), values.size());
        // The reference is (u8 · rescale − mean) / std in float64 rounded once to float32, which is exactly what the
        // preprocessor computes, so no error at all is expected (the brief allows 1e-6; a drift in the arithmetic
        // order, e.g. float32 intermediates, would show up here as ~2e-7).
        Tolerance.assertClose(name, golden.floats(name), values.chw(), 0.0);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void cropOffsetsFollowTheFloorRule(String fixture, String image, PreprocessMode mode) {
        Golden golden = Golden.of(fixture);
        ImagePreprocessor pre = ImagePreprocessor.load(golden.modelDir().resolve("preprocessor_config.json"));
        String key = "images." + image + "." + mode.name().toLowerCase(Locale.ROOT);
        int[] resizedWh = golden.ints(key + ".resized_size_wh");
        int[] topLeft = golden.ints(key + ".crop_top_left");
        RgbImage resized = new RgbImage(resizedWh[0], resizedWh[1],
                golden.bytes(image + "." + mode.name().toLowerCase(Locale.ROOT) + ".resized"));

        RgbImage view = pre.centerCrop(resized);
        assertArrayEquals(resized.region(topLeft[1], topLeft[0], pre.size(), pre.size()).rgb(), view.rgb());
    }
}
