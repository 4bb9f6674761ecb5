package vtc.loaders.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vtc.engine.llava.LlavaWeights;
import vtc.engine.tensor.DType;
import vtc.engine.tensor.WeightMatrix;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;
import vtc.fixtures.Tolerance;
import vtc.loaders.safetensors.TensorInfo;

class LlavaCheckpointTest {

    @Test
    void f32FixtureBindsWithTheReadmeShapes() {
        try (LlavaCheckpoint ckpt = LlavaCheckpoint.open(Fixtures.model(Fixtures.TINY_LLAVA))) {
            assertEquals(137, ckpt.tensors().size(), "README lists 137 tensors");
            assertTrue(ckpt.tensors().stream().allMatch(t -> t.dtype().equals("F32")));
            LlavaWeights w = ckpt.weights();
            // vision_feature_layer -2 of 6 layers: hidden[5], so layers 0..4 are bound.
            assertEquals(5, w.vision().layers().size());
            assertShape(w.vision().patchEmbedding(), DType.F32, 64, 3 * 14 * 14);
            assertShape(w.vision().positionEmbedding(), DType.F32, 65, 64);
            assertEquals(64, w.vision().classEmbedding().length);
            assertShape(w.vision().layers().get(4).fc1(), DType.F32, 256, 64);
            assertEquals(256, w.vision().layers().get(4).fc1Bias().length);
            assertShape(w.projector().linear1(), DType.F32, 96, 64);
            assertEquals(96, w.projector().bias2().length);
            assertEquals(3, w.text().layers().size());
            assertShape(w.text().layers().get(0).kProj(), DType.F32, 32, 96);
            assertShape(w.text().layers().get(2).downProj(), DType.F32, 96, 256);
            assertShape(w.text().lmHead(), DType.F32, 514, 96);
            assertNotSame(w.text().embedTokens(), w.text().lmHead(), "the fixture's lm_head is untied");
            assertTrue(!w.text().embedTokens().data().isMapped(), "matrices are views into owned memory by default");
        }
    }

    @Test
    void bf16FixtureIsReadFromBothShards() {
        Path dir = Fixtures.model(Fixtures.TINY_LLAVA_BF16);
        try (LlavaCheckpoint ckpt = LlavaCheckpoint.open(dir)) {
            var files = ckpt.tensors().stream().map(t -> t.file().getFileName().toString()).collect(Collectors.toSet());
            assertEquals(Set.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"), files);
            assertTrue(ckpt.tensors().stream().allMatch(t -> t.dtype().equals("BF16")));
            LlavaWeights w = ckpt.weights();
            assertEquals(4, w.vision().layers().size());
            assertShape(w.vision().patchEmbedding(), DType.BF16, 48, 588);
            assertShape(w.vision().positionEmbedding(), DType.BF16, 37, 48);
            assertShape(w.text().layers().get(1).gateProj(), DType.BF16, 176, 64);
            assertShape(w.text().lmHead(), DType.BF16, 514, 64);
            TensorInfo embed = ckpt.tensors().stream()
                    .filter(t -> t.name().equals("language_model.model.embed_tokens.weight")).findFirst().orElseThrow();
            assertEquals(514L * 64 * 2, embed.byteSize());
        }
    }

    /**
     * golden llm.hidden_states[0] is the merged input: at text positions it is the token
     * embedding row, upcast from the stored dtype to float64 and back to float32, hence exact
     * (tolerance 0). Text before the image token keeps its position; text after it is shifted
     * by N − 1.
     */
    @ParameterizedTest
    @ValueSource(strings = {Fixtures.TINY_LLAVA, Fixtures.TINY_LLAVA_BF16})
    void tokenEmbeddingsEqualTheGoldenMergedInput(String fixture) {
        Golden golden = Golden.of(fixture);
        int[] ids = golden.ints("prompt.input_ids");
        int p = golden.at("prompt.image_token_position").getAsInt();
        int[] shape = golden.shape("llm.hidden_states");
        int seq = shape[1];
        int hidden = shape[2];
        int n = seq - (ids.length - 1);
        float[] merged = golden.floats("llm.hidden_states");
        try (LlavaCheckpoint ckpt = LlavaCheckpoint.open(golden.modelDir())) {
            WeightMatrix embed = ckpt.weights().text().embedTokens();
            for (int i = 0; i < ids.length; i++) {
                if (i == p) {
                    continue;
                }
                int row = i < p ? i : i + n - 1;
                float[] expected = Arrays.copyOfRange(merged, row * hidden, (row + 1) * hidden);
                float[] actual = new float[hidden];
                embed.readRow(ids[i], actual, 0);
                Tolerance.assertClose(fixture + " embedding of token " + ids[i], expected, actual, 0.0);
            }
        }
    }

    @Test
    void weightsAreUnmappedOnClose() {
        LlavaCheckpoint ckpt = LlavaCheckpoint.open(Fixtures.model(Fixtures.TINY_LLAVA));
        var data = ckpt.weights().text().embedTokens().data();
        ckpt.close();
        assertThrows(IllegalStateException.class, () -> data.get(ValueLayout.JAVA_BYTE, 0));
    }

    private static void assertShape(WeightMatrix m, DType dtype, int rows, int cols) {
        assertEquals(dtype, m.dtype(), m.name());
        assertEquals(rows, m.rows(), m.name());
        assertEquals(cols, m.cols(), m.name());
    }
}
