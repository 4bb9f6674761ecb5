package vtc.loaders.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import vtc.fixtures.Fixtures;

class PreprocessorConfigTest {

    private static final double[] CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
    private static final double[] CLIP_STD = {0.26862954, 0.26130258, 0.27577711};

    @TempDir
    Path dir;

    @Test
    void realLlavaConfig() {
        PreprocessorConfig config = PreprocessorConfig.read(
                Fixtures.realConfig("llava-1.5-7b-hf").resolve("preprocessor_config.json"));
        assertEquals(336, config.shortestEdge());
        assertEquals(336, config.cropSize());
        assertArrayEquals(CLIP_MEAN, config.imageMean());
        assertArrayEquals(CLIP_STD, config.imageStd());
        assertEquals(0.00392156862745098, config.rescaleFactor());
        assertTrue(config.doRescale());
        assertTrue(config.doNormalize());
        assertArrayEquals(new int[] {122, 116, 104}, config.padColor());
    }

    @Test
    void fixtureConfigs() {
        assertEquals(112, ImagePreprocessor.load(Fixtures.model(Fixtures.TINY_LLAVA).resolve("preprocessor_config.json")).size());
        assertEquals(84, ImagePreprocessor.load(Fixtures.model(Fixtures.TINY_LLAVA_BF16).resolve("preprocessor_config.json")).size());
    }

    @Test
    void missingFieldsTakeClipImageProcessorDefaults() throws IOException {
        PreprocessorConfig config = PreprocessorConfig.read(write("{}"));
        assertEquals(224, config.shortestEdge());
        assertEquals(224, config.cropSize());
        assertArrayEquals(CLIP_MEAN, config.imageMean());
        assertArrayEquals(CLIP_STD, config.imageStd());
        assertEquals(1 / 255.0, config.rescaleFactor());
    }

    @Test
    void integerSizeAndCropForms() throws IOException {
        PreprocessorConfig config = PreprocessorConfig.read(write(
                "{\"size\": 256, \"crop_size\": 224, \"do_normalize\": false, \"image_mean\": 0.5}"));
        assertEquals(256, config.shortestEdge());
        assertEquals(224, config.cropSize());
        assertFalse(config.doNormalize());
        assertArrayEquals(new double[] {0.5, 0.5, 0.5}, config.imageMean());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "resample                 | {\"resample\": 2}",
        "resample                 | {\"resample\": \"bicubic\"}",
        "do_center_crop           | {\"do_center_crop\": false}",
        "do_resize                | {\"do_resize\": 0}",
        "crop_size                | {\"crop_size\": {\"height\": 224, \"width\": 200}}",
        "crop_size.width          | {\"crop_size\": {\"height\": 224}}",
        "crop_size                | {\"size\": {\"shortest_edge\": 112}, \"crop_size\": 224}",
        "size                     | {\"size\": {\"height\": 224, \"width\": 224}}",
        "size.shortest_edge       | {\"size\": {\"shortest_edge\": 112.5}}",
        "size.shortest_edge       | {\"size\": {\"shortest_edge\": -3}}",
        "image_mean               | {\"image_mean\": [0.5, 0.5]}",
        "image_mean[1]            | {\"image_mean\": [0.5, \"x\", 0.5]}",
        "image_std                | {\"image_std\": [0.5, 0, 0.5]}",
        "rescale_factor           | {\"rescale_factor\": -1}",
        "image_processor_type     | {\"image_processor_type\": \"SiglipImageProcessor\"}",
    })
    void badFieldsAreNamed(String field, String json) throws IOException {
        Path file = write(json);
        PreprocessorConfigException e = assertThrows(PreprocessorConfigException.class, () -> PreprocessorConfig.read(file));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file + ": " + field + " "), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"not valid JSON | {\"size\": ", "a JSON object | [1, 2, 3]"})
    void malformedFilesAreRefused(String reason, String text) throws IOException {
        Path file = write(text);
        PreprocessorConfigException e = assertThrows(PreprocessorConfigException.class, () -> PreprocessorConfig.read(file));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void missingFileIsRefused() {
        Path file = dir.resolve("absent.json");
        PreprocessorConfigException e = assertThrows(PreprocessorConfigException.class, () -> PreprocessorConfig.read(file));
        assertEquals(file, e.file());
    }

    private Path write(String json) throws IOException {
        return Files.writeString(dir.resolve("preprocessor_config.json"), json);
    }
}
