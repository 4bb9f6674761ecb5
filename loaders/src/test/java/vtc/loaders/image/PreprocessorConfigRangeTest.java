package vtc.loaders.image;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values that parse but would make the pipeline compute garbage or fail far from the file: refused
 * when preprocessor_config.json is read, naming the field.
 */
class PreprocessorConfigRangeTest {

    @TempDir
    Path dir;

    /** (v/255 − mean)/std with std 1e-300 is infinite in float: the model used to answer from NaNs. */
    @Test
    void normalizationThatLeavesTheFloatRangeIsRefused() throws IOException {
        assertRefused("{\"image_std\": [1e-300, 0.26, 0.27]}", "image_std[0] 1.0E-300");
        assertRefused("{\"image_mean\": 1e300}", "image_std[0]");
        assertRefused("{\"do_normalize\": false, \"rescale_factor\": 1e300}", "beyond ±1000000");
    }

    /** 65536 used to pass here and be reported later as an image "too elongated". */
    @Test
    void shortestEdgeBeyondAnyTowerIsNamed() throws IOException {
        assertRefused("{\"size\": {\"shortest_edge\": 65536}}", "size.shortest_edge must be a positive integer of at most 8192 pixels, got 65536");
        assertRefused("{\"crop_size\": {\"height\": 9000, \"width\": 9000}}", "crop_size.height must be a positive integer of at most 8192");
    }

    private void assertRefused(String json, String expected) throws IOException {
        Path file = Files.writeString(dir.resolve("preprocessor_config.json"), json);
        PreprocessorConfigException e = assertThrows(PreprocessorConfigException.class, () -> PreprocessorConfig.read(file));
        assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains(expected), e.getMessage());
    }
}
