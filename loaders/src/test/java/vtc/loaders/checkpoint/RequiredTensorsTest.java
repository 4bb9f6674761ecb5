package vtc.loaders.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import vtc.engine.llava.LlavaConfig;
import vtc.fixtures.Fixtures;
import vtc.loaders.config.LlavaConfigLoader;
import vtc.loaders.safetensors.SafetensorsFile;
import vtc.loaders.safetensors.TensorInfo;

class RequiredTensorsTest {

    /** From config.json alone, the layout is exactly the fixture's stored inventory (names and shapes). */
    @Test
    void layoutOfTheFixtureConfigIsTheFixtureInventory() {
        LlavaConfig config = LlavaConfigLoader.load(Fixtures.model(Fixtures.TINY_LLAVA));
        Map<String, ExpectedTensor> expected = RequiredTensors.of(config).stream()
                .collect(Collectors.toMap(ExpectedTensor::name, Function.identity()));
        try (SafetensorsFile file = SafetensorsFile.open(Fixtures.model(Fixtures.TINY_LLAVA).resolve("model.safetensors"))) {
            assertEquals(file.tensors().size(), expected.size());
            for (TensorInfo t : file.tensors()) {
                ExpectedTensor e = expected.get(t.name());
                assertArrayEquals(t.shape(), e.shape(), t.name());
            }
        }
    }

    /** llava-1.5-7b-hf: its checkpoint stores 24 ViT layers, 32 decoder layers and an untied head. */
    @Test
    void realSevenBillionLayoutHasTheKnownShapesAndOptionalTail() {
        LlavaConfig config = LlavaConfigLoader.load(Fixtures.realConfig("llava-1.5-7b-hf"));
        List<ExpectedTensor> layout = RequiredTensors.of(config);
        Map<String, ExpectedTensor> byName = layout.stream()
                .collect(Collectors.toMap(ExpectedTensor::name, Function.identity()));
        assertArrayEquals(new long[] {1024, 3, 14, 14},
                byName.get("vision_tower.vision_model.embeddings.patch_embedding.weight").shape());
        assertArrayEquals(new long[] {577, 1024},
                byName.get("vision_tower.vision_model.embeddings.position_embedding.weight").shape());
        assertArrayEquals(new long[] {4096, 1024}, byName.get("multi_modal_projector.linear_1.weight").shape());
        assertArrayEquals(new long[] {32064, 4096}, byName.get("language_model.model.embed_tokens.weight").shape());
        assertArrayEquals(new long[] {11008, 4096},
                byName.get("language_model.model.layers.31.mlp.gate_proj.weight").shape());
        assertTrue(byName.get("language_model.lm_head.weight").required());
        // Feature layer -2: layer 22 feeds the features, layer 23 and post_layernorm are never run.
        assertTrue(byName.get("vision_tower.vision_model.encoder.layers.22.mlp.fc2.bias").required());
        assertFalse(byName.get("vision_tower.vision_model.encoder.layers.23.mlp.fc2.bias").required());
        assertFalse(byName.get("vision_tower.vision_model.post_layernorm.weight").required());
        // 5 embedding tensors + 24 × 16 + 2 post-LN, 4 projector, 1 + 32 × 9 + 1 + 1 decoder.
        assertEquals(5 + 24 * 16 + 2 + 4 + 1 + 32 * 9 + 2, layout.size());
    }

    @Test
    void namingIsDetectedFromTheEmbeddingAndMapsEveryPrefix() {
        TensorNaming modern = TensorNaming.TRANSFORMERS_4_52;
        assertEquals("lm_head.weight", modern.stored("language_model.lm_head.weight"));
        assertEquals("model.language_model.norm.weight", modern.stored("language_model.model.norm.weight"));
        assertEquals("model.vision_tower.vision_model.pre_layrnorm.bias",
                modern.stored("vision_tower.vision_model.pre_layrnorm.bias"));
        assertEquals("model.multi_modal_projector.linear_2.weight", modern.stored("multi_modal_projector.linear_2.weight"));
        assertEquals(modern, TensorNaming.detect(Set.of("model.language_model.embed_tokens.weight")));
        assertEquals(TensorNaming.LLAVA_HF, TensorNaming.detect(Set.of("language_model.model.embed_tokens.weight")));
    }
}
