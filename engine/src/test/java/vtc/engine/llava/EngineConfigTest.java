package vtc.engine.llava;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import vtc.engine.text.LlamaConfig;
import vtc.engine.vision.ClipVisionConfig;

/** A config the engine would silently compute wrong cannot be built; the error names the config.json field. */
class EngineConfigTest {

    @Test
    void activationsTheEngineDoesNotComputeAreRefused() {
        assertRefused("hidden_act is \"relu\"", () -> new LlamaConfig(24, 16, 24, 3, 4, 2, 4, "relu", 40, 1e-5, 10000, false,
                1, new int[] {2}));
        assertRefused("hidden_act is \"gelu\"", () -> new ClipVisionConfig(8, 16, 3, 2, 8, 4, 3, "gelu", 1e-5));
        LlavaConfig c = RandomModel.tinyLlava(40);
        assertRefused("projector_hidden_act is \"silu\"", () -> new LlavaConfig(c.vision(), c.text(), c.imageTokenIndex(),
                "silu", c.visionFeatureLayer(), c.visionFeatureSelectStrategy(), c.multimodalProjectorBias(),
                c.imageAspectRatio()));
    }

    @Test
    void shapesTheKernelsCannotRunAreRefused() {
        assertRefused("num_attention_heads 4 cannot share num_key_value_heads 3", () -> new LlamaConfig(24, 16, 24, 3, 4,
                3, 4, "silu", 40, 1e-5, 10000, false, 1, new int[] {2}));
        assertRefused("vocab_size must be at least 1", () -> new LlamaConfig(0, 16, 24, 3, 4, 2, 4, "silu", 40, 1e-5,
                10000, false, 1, new int[] {2}));
        assertRefused("image_size 10 is not a multiple of patch_size 4",
                () -> new ClipVisionConfig(8, 16, 3, 2, 10, 4, 3, "quick_gelu", 1e-5));
        assertRefused("hidden_size 9 does not split", () -> new ClipVisionConfig(9, 16, 3, 2, 8, 4, 3, "quick_gelu", 1e-5));
    }

    private static void assertRefused(String messagePart, Executable build) {
        var e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }
}
