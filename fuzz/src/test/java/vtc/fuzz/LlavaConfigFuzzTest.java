package vtc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import vtc.fixtures.Fixtures;
import vtc.loaders.config.LlavaConfigLoader;

/**
 * {@code config.json}: parsed with the Hugging Face defaults, or refused naming the field. Seeds:
 * both fixture configs and the real llava-1.5-7b-hf config.
 */
class LlavaConfigFuzzTest {

    private static final ScratchDirectory SCRATCH = ScratchDirectory.withFixtureFiles(Fixtures.TINY_LLAVA);

    @AfterAll
    static void removeScratch() {
        SCRATCH.close();
    }

    @FuzzTest(maxDuration = "5s")
    void configJson(byte[] json) {
        Path file = SCRATCH.write(LlavaConfigLoader.FILE_NAME, json);
        LoadContract.loadsOrRefusesByName(() -> LlavaConfigLoader.load(file));
    }
}
