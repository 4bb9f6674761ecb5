package vtc.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import vtc.fixtures.Fixtures;
import vtc.loaders.image.ImageFiles;
import vtc.loaders.image.ImagePreprocessor;
import vtc.loaders.image.PixelValues;
import vtc.loaders.image.PreprocessMode;
import vtc.loaders.image.RgbImage;

/**
 * Image files (PNG, JPEG or anything else) through decoding and the fixture's preprocessing in
 * both modes: the result is an S×S×3 tensor, or the file is refused by name. Decoding is bounded
 * to a service-like 4 megapixels so that a declared size is refused before it is decoded. Seeds:
 * the golden images and small PNG/JPEG variants of them (grey, palette, alpha, 16-bit, CMYK-free).
 */
class ImageFuzzTest {

    private static final long MAX_PIXELS = 4_000_000L;
    private static final ImagePreprocessor PREPROCESSOR =
            ImagePreprocessor.load(Fixtures.model(Fixtures.TINY_LLAVA).resolve("preprocessor_config.json"));
    private static final ScratchDirectory SCRATCH = ScratchDirectory.withFixtureFiles(Fixtures.TINY_LLAVA);

    @AfterAll
    static void removeScratch() {
        SCRATCH.close();
    }

    @FuzzTest(maxDuration = "5s")
    void imageFile(byte[] bytes) {
        Path file = SCRATCH.write("image", bytes);
        LoadContract.loadsOrRefusesByName(() -> {
            RgbImage image = ImageFiles.read(file, MAX_PIXELS);
            assertEquals(3L * image.width() * image.height(), image.rgb().length);
            for (PreprocessMode mode : PreprocessMode.values()) {
                PixelValues pixels = PREPROCESSOR.preprocess(file, mode);
                assertEquals(3 * PREPROCESSOR.size() * PREPROCESSOR.size(), pixels.chw().length);
            }
        });
    }
}
