package vtc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import vtc.fixtures.Fixtures;
import vtc.loaders.image.ImagePreprocessor;
import vtc.loaders.image.PreprocessMode;

/**
 * {@code preprocessor_config.json}: a config that loads must also preprocess a real image in both
 * modes (a config can parse and still describe sizes no image can be brought to), otherwise it is
 * refused naming the field.
 */
class PreprocessorConfigFuzzTest {

    private static final ScratchDirectory SCRATCH = ScratchDirectory.withFixtureFiles(Fixtures.TINY_LLAVA);
    private static final Path IMAGE = Fixtures.model(Fixtures.TINY_LLAVA).resolve("golden/image1.png");

    @AfterAll
    static void removeScratch() {
        SCRATCH.close();
    }

    @FuzzTest(maxDuration = "5s")
    void preprocessorConfigJson(byte[] json) {
        Path file = SCRATCH.write("preprocessor_config.json", json);
        LoadContract.loadsOrRefusesByName(() -> {
            ImagePreprocessor preprocessor = ImagePreprocessor.load(file);
            for (PreprocessMode mode : PreprocessMode.values()) {
                preprocessor.preprocess(IMAGE, mode);
            }
        });
    }
}
