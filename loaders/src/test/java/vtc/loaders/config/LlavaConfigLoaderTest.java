package vtc.loaders.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtc.engine.llava.LlavaConfig;
import vtc.engine.text.LlamaConfig;
import vtc.engine.vision.ClipVisionConfig;
import vtc.fixtures.Fixtures;

class LlavaConfigLoaderTest {

    @TempDir
    Path tmp;

    /** The numbers real-configs/README.md says llava-1.5-7b-hf's config.json must give. */
    @Test
    void realLlava15_7bConfigParsesToTheReadmeNumbers() {
        LlavaConfig c = LlavaConfigLoader.load(Fixtures.realConfig("llava-1.5-7b-hf").resolve("config.json"));
        ClipVisionConfig v = c.vision();
        assertEquals(24, v.numHiddenLayers());
        assertEquals(1024, v.hiddenSize());
        assertEquals(16, v.numAttentionHeads());
        assertEquals(4096, v.intermediateSize());
        assertEquals(336, v.imageSize());
        assertEquals(14, v.patchSize());
        assertEquals(576, v.numPatches());
        assertEquals(3, v.numChannels());
        assertEquals("quick_gelu", v.hiddenAct());
        assertEquals(1e-5, v.layerNormEps());
        LlamaConfig t = c.text();
        assertEquals(32, t.numHiddenLayers());
        assertEquals(4096, t.hiddenSize());
        assertEquals(32, t.numAttentionHeads());
        assertEquals(32, t.numKeyValueHeads());
        assertEquals(128, t.headDim());
        assertEquals(11008, t.intermediateSize());
        assertEquals(32064, t.vocabSize());
        assertEquals(1e-5, t.rmsNormEps());
        assertEquals(10000.0, t.ropeTheta());
        assertEquals(4096, t.maxPositionEmbeddings());
        assertEquals("silu", t.hiddenAct());
        assertFalse(t.tieWordEmbeddings());
        assertEquals(1, t.bosTokenId());
        assertArrayEquals(new int[] {2}, t.eosTokenIds());
        assertEquals(32000, c.imageTokenIndex());
        assertEquals("gelu", c.projectorHiddenAct());
        assertEquals(-2, c.visionFeatureLayer());
        assertEquals(23, c.featureHiddenIndex());
        assertEquals("default", c.visionFeatureSelectStrategy());
        assertTrue(c.multimodalProjectorBias());
        assertNull(c.imageAspectRatio());
    }

    /** The architecture tables of the two fixture READMEs. */
    @Test
    void fixtureConfigsParseToTheirReadmeArchitectures() {
        LlavaConfig f32 = LlavaConfigLoader.load(Fixtures.model(Fixtures.TINY_LLAVA));
        assertEquals(64, f32.vision().numPatches());
        assertEquals(6, f32.vision().numHiddenLayers());
        assertEquals(16, f32.vision().headDim());
        assertEquals(6, f32.text().numAttentionHeads());
        assertEquals(2, f32.text().numKeyValueHeads());
        assertEquals(3, f32.text().queriesPerKvHead());
        assertEquals(514, f32.text().vocabSize());
        assertEquals(512, f32.imageTokenIndex());
        LlavaConfig bf16 = LlavaConfigLoader.load(Fixtures.model(Fixtures.TINY_LLAVA_BF16).resolve("config.json"));
        assertEquals(36, bf16.vision().numPatches());
        assertEquals(4, bf16.text().numKeyValueHeads());
        assertEquals(176, bf16.text().intermediateSize());
        assertEquals(1e6, bf16.text().ropeTheta());
    }

    @Test
    void omittedFieldsTakeTheHuggingFaceDefaults() throws IOException {
        LlavaConfig c = load("{\"model_type\": \"llava\", \"text_config\": {\"num_attention_heads\": 16}}");
        // vision_config absent: LLaVA's CLIP ViT-L/14-336.
        assertEquals(new ClipVisionConfig(1024, 4096, 24, 16, 336, 14, 3, "quick_gelu", 1e-5), c.vision());
        LlamaConfig t = c.text();
        assertEquals(32000, t.vocabSize());
        assertEquals(4096, t.hiddenSize());
        assertEquals(16, t.numKeyValueHeads(), "num_key_value_heads defaults to num_attention_heads");
        assertEquals(256, t.headDim(), "head_dim defaults to hidden_size / num_attention_heads");
        assertEquals(2048, t.maxPositionEmbeddings());
        assertEquals(1e-6, t.rmsNormEps());
        assertEquals(32000, c.imageTokenIndex());
        assertEquals(-2, c.visionFeatureLayer());

        ClipVisionConfig v = load("{\"model_type\": \"llava\", \"vision_config\": {}}").vision();
        assertEquals(new ClipVisionConfig(768, 3072, 12, 12, 224, 32, 3, "quick_gelu", 1e-5), v);
    }

    @Test
    void eosMayBeAListAndPadAspectRatioIsKept() throws IOException {
        LlavaConfig c = load("{\"model_type\": \"llava\", \"image_aspect_ratio\": \"pad\","
                + " \"text_config\": {\"eos_token_id\": [2, 32001]}}");
        assertArrayEquals(new int[] {2, 32001}, c.text().eosTokenIds());
        assertTrue(c.text().isEos(32001));
        assertEquals("pad", c.imageAspectRatio());
    }

    @Test
    void missingModelTypeIsNamed() throws IOException {
        assertRefused("{\"text_config\": {}}", "model_type is missing");
        assertRefused("{\"model_type\": \"llava_next\"}", "model_type is \"llava_next\"; only \"llava\"");
    }

    @Test
    void wrongTypedFieldIsNamedWithItsValue() throws IOException {
        assertRefused(edit(c -> c.getAsJsonObject("text_config").addProperty("hidden_size", "abc")),
                "text_config.hidden_size must be an integer, got \"abc\"");
        assertRefused(edit(c -> c.getAsJsonObject("vision_config").addProperty("layer_norm_eps", "small")),
                "vision_config.layer_norm_eps must be a number, got \"small\"");
        assertRefused(edit(c -> c.addProperty("text_config", 3)), "text_config must be an object, got 3");
        assertRefused(edit(c -> c.getAsJsonObject("text_config").addProperty("num_hidden_layers", 2.5)),
                "text_config.num_hidden_layers must be an integer, got 2.5");
    }

    @Test
    void ropeScalingIsRefused() throws IOException {
        assertRefused(edit(c -> c.getAsJsonObject("text_config").add("rope_scaling",
                JsonParser.parseString("{\"type\": \"linear\", \"factor\": 2.0}"))), "text_config.rope_scaling is set");
    }

    @Test
    void unknownActivationsAreRefused() throws IOException {
        assertRefused(edit(c -> c.getAsJsonObject("text_config").addProperty("hidden_act", "gelu")),
                "text_config.hidden_act is \"gelu\"");
        assertRefused(edit(c -> c.getAsJsonObject("vision_config").addProperty("hidden_act", "relu")),
                "vision_config.hidden_act is \"relu\"");
        assertRefused(edit(c -> c.getAsJsonObject("vision_config").addProperty("hidden_act", "gelu")),
                "vision_config.hidden_act is \"gelu\"");
        assertRefused(edit(c -> c.addProperty("vision_feature_select_strategy", "full")),
                "vision_feature_select_strategy is \"full\"");
        assertRefused(edit(c -> c.addProperty("projector_hidden_act", "gelu_pytorch_tanh")),
                "projector_hidden_act is \"gelu_pytorch_tanh\"");
    }

    @Test
    void visionFeatureLayerOutOfRangeIsRefused() throws IOException {
        // The F32 fixture's tower has 6 layers: -6..-1 and 1..6 are valid.
        assertRefused(edit(c -> c.addProperty("vision_feature_layer", -7)), "vision_feature_layer is -7");
        assertRefused(edit(c -> c.addProperty("vision_feature_layer", 7)), "vision_feature_layer is 7");
        assertRefused(edit(c -> c.addProperty("vision_feature_layer", 0)), "vision_feature_layer is 0");
        assertEquals(6, load(edit(c -> c.addProperty("vision_feature_layer", -1))).featureHiddenIndex());
    }

    @Test
    void inconsistentShapesAreRefused() throws IOException {
        assertRefused(edit(c -> c.getAsJsonObject("text_config").addProperty("num_key_value_heads", 4)),
                "text_config.num_attention_heads 6 is not divisible by num_key_value_heads 4");
        assertRefused(edit(c -> c.getAsJsonObject("text_config").addProperty("num_attention_heads", 7)),
                "text_config.hidden_size 96 is not divisible by num_attention_heads 7");
        assertRefused(edit(c -> c.getAsJsonObject("vision_config").addProperty("image_size", 100)),
                "vision_config.image_size 100 is not divisible by patch_size 14");
        assertRefused(edit(c -> c.getAsJsonObject("vision_config").addProperty("hidden_size", 0)),
                "vision_config.hidden_size must be in [1, 262144], got 0");
    }

    /** RoPE rotates pairs of dimensions: an odd head_dim used to fail in the first request, reported by RoPE. */
    @Test
    void oddHeadDimIsNamedAtLoad() throws IOException {
        assertRefused(edit(c -> c.getAsJsonObject("text_config").addProperty("num_attention_heads", 32)),
                "text_config.hidden_size gives head_dim 3 (hidden_size 96 / num_attention_heads 32); RoPE rotates pairs");
        assertRefused(edit(c -> {
            c.getAsJsonObject("text_config").addProperty("num_attention_heads", 32);
            c.getAsJsonObject("text_config").addProperty("head_dim", 3);
        }), "text_config.head_dim gives head_dim 3");
    }

    /** A hostile size is refused at once rather than making the binder enumerate a billion layers. */
    @Test
    void absurdSizesAndNegativeImageTokenAreRefused() throws IOException {
        assertRefused(edit(c -> c.getAsJsonObject("text_config").addProperty("num_hidden_layers", 1_000_000_000)),
                "text_config.num_hidden_layers must be in [1, 1024], got 1000000000");
        assertRefused(edit(c -> c.getAsJsonObject("text_config").addProperty("max_position_embeddings", Integer.MAX_VALUE)),
                "text_config.max_position_embeddings must be in [1, 16777216]");
        assertRefused(edit(c -> c.addProperty("image_token_index", -200)),
                "image_token_index is -200; a token id cannot be negative");
    }

    /** The parser's own description of deeply nested JSON runs to hundreds of kilobytes; the error keeps its start. */
    @Test
    void deeplyNestedJsonIsRefusedWithABoundedMessage() throws IOException {
        String json = "[".repeat(200_000) + "]".repeat(200_000);
        Path file = Files.writeString(tmp.resolve("config.json"), json);
        ConfigException e = assertThrows(ConfigException.class, () -> LlavaConfigLoader.load(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().length() < 4200, "message of " + e.getMessage().length() + " characters");
    }

    @Test
    void invalidJsonAndMissingFileAreRefused() throws IOException {
        assertRefused("{\"model_type\": \"llava\",", "not valid JSON");
        assertRefused("[\"llava\"]", "must hold a JSON object");
        Path missing = tmp.resolve("nowhere").resolve("config.json");
        ConfigException e = assertThrows(ConfigException.class, () -> LlavaConfigLoader.load(missing));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("not found"), e.getMessage());
    }

    /** The F32 fixture's config.json with one change. */
    private static String edit(Consumer<JsonObject> change) throws IOException {
        JsonObject config = JsonParser.parseString(
                Files.readString(Fixtures.model(Fixtures.TINY_LLAVA).resolve("config.json"))).getAsJsonObject();
        change.accept(config);
        return config.toString();
    }

    private LlavaConfig load(String json) throws IOException {
        return LlavaConfigLoader.load(Files.writeString(tmp.resolve("config.json"), json));
    }

    private void assertRefused(String json, String expected) throws IOException {
        Path file = Files.writeString(tmp.resolve("config.json"), json);
        ConfigException e = assertThrows(ConfigException.class, () -> LlavaConfigLoader.load(file));
        assertTrue(e.getMessage().startsWith(file + ": "), "message should start with the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(expected), "message should say '" + expected + "': " + e.getMessage());
    }
}
