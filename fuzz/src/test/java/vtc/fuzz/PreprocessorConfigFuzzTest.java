package vtc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import vtc.fixtures.Fixtures;
import vtc.loaders.image.ImagePreprocessor;
import vtc.loaders.image.PreprocessMode;

/**
 * {@code preprocessor_config.json}: a config that loads must also preprocess a real image in both
 * modes (a config can parse and still describe sizes no image can be brought to), otherwise it is
 * refused naming the field; pixels of the fixture tower's size then drive a short generation, which
 * must not answer from non-finite values (an image_std of 1e-300 used to give silent token-0 answers).
 */
class PreprocessorConfigFuzzTest {

    private static final ScratchDirectory SCRATCH = ScratchDirectory.withFixtureFiles(Fixtures.TINY_LLAVA);
    private static final Path IMAGE = Fixtures.model(Fixtures.TINY_LLAVA).resolve("golden/image1.png");
    /** The fixture tower's image size: pixels of this size go on through a short generation. */
    private static final int SIZE = 112;

    @BeforeAll
    static void warmUp() {
        ShortGeneration.warmUp();
    }

    @AfterAll
    static void removeScratch() {
        SCRATCH.close();
    }

    @FuzzTest(maxDuration = "5s")
    void preprocessorConfigJson(byte[] json) {
        Path file = SCRATCH.write("preprocessor_config.json", json);
        LoadContract.loadsOrRefusesByName(() -> ShortGeneration.bounded(() -> {
            ImagePreprocessor preprocessor = ImagePreprocessor.load(file);
            for (PreprocessMode mode : PreprocessMode.values()) {
                float[] pixels = preprocessor.preprocess(IMAGE, mode).chw();
                if (preprocessor.size() == SIZE) {
                    ShortGeneration.withPixels(pixels);
                }
            }
        }));
    }
}
