package vtc.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vtc.fixtures.Fixtures;

/** {@code vtc inspect} on both fixtures (shapes from their READMEs) and on the real 7B config. */
class InspectCommandTest {

    private static Map<String, JsonObject> byName(JsonArray tensors) {
        Map<String, JsonObject> map = new HashMap<>();
        for (JsonElement e : tensors) {
            map.put(e.getAsJsonObject().get("name").getAsString(), e.getAsJsonObject());
        }
        return map;
    }

    private static String shape(JsonObject tensor) {
        return tensor.get("shape").toString();
    }

    @Test
    void f32FixtureInventoryMatchesItsReadme() {
        JsonObject report = Cli.run("inspect", Cli.TINY.toString()).json();
        Map<String, JsonObject> tensors = byName(report.getAsJsonArray("tensors"));
        // README: 5 embedding/pre-LN + 6 × 16 per ViT layer + 2 post-LN + 4 projector + 1 + 3 × 9 + norm + head
        assertEquals(5 + 6 * 16 + 2 + 4 + 1 + 3 * 9 + 2, tensors.size());
        JsonObject k = tensors.get("language_model.model.layers.2.self_attn.k_proj.weight");
        assertEquals("[32,96]", shape(k));
        assertEquals("F32", k.get("dtype").getAsString());
        assertEquals("model.safetensors", k.get("file").getAsString());
        assertEquals("[64,3,14,14]", shape(tensors.get("vision_tower.vision_model.embeddings.patch_embedding.weight")));
        JsonObject text = report.getAsJsonObject("config").getAsJsonObject("text");
        assertEquals(2, text.get("num_key_value_heads").getAsInt());
        assertEquals(514, text.get("vocab_size").getAsInt());
    }

    @Test
    void bf16FixtureListsEachTensorInItsShard() {
        JsonObject report = Cli.run("inspect", Cli.TINY_BF16.toString()).json();
        JsonObject index = com.google.gson.JsonParser.parseString(readIndex()).getAsJsonObject().getAsJsonObject("weight_map");
        Map<String, JsonObject> tensors = byName(report.getAsJsonArray("tensors"));
        assertEquals(index.size(), tensors.size());
        for (var e : index.entrySet()) {
            JsonObject t = tensors.get(e.getKey());
            assertEquals(e.getValue().getAsString(), t.get("file").getAsString(), e.getKey());
            assertEquals("BF16", t.get("dtype").getAsString(), e.getKey());
        }
    }

    @Test
    void modelOptionIsAcceptedLikeEveryOtherModelCommand() {
        JsonObject report = Cli.run("inspect", "--model", Cli.TINY.toString()).json();
        assertEquals(5 + 6 * 16 + 2 + 4 + 1 + 3 * 9 + 2, report.getAsJsonArray("tensors").size());
    }

    /** A directory with config.json but no weights is a failure unless the config view is asked for. */
    @Test
    void weightlessDirectoryFailsUnlessConfigIsAsked() {
        Cli run = Cli.run("inspect", "--model", Fixtures.realConfig("llava-1.5-7b-hf").toString());
        assertEquals(1, run.code(), run.toString());
        assertEquals("", run.out());
        assertTrue(run.err().contains("holds no weights") && run.err().contains("--config"), run.err());
    }

    private static String readIndex() {
        try {
            return java.nio.file.Files.readString(Cli.TINY_BF16.resolve("model.safetensors.index.json"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** LLaVA-1.5-7B: ViT-L/14-336 (24 × 1024, MLP 4096, 577 positions) and Vicuna-7B (32 × 4096, MLP 11008, vocab 32064). */
    @Test
    void realConfigListsTheTensorsOfLlava7b() {
        JsonObject report = Cli.run("inspect", "--config", Fixtures.realConfig("llava-1.5-7b-hf").toString()).json();
        Map<String, JsonObject> tensors = byName(report.getAsJsonArray("required_tensors"));
        assertEquals("[577,1024]", shape(tensors.get("vision_tower.vision_model.embeddings.position_embedding.weight")));
        assertEquals("[4096,1024]", shape(tensors.get("vision_tower.vision_model.encoder.layers.23.mlp.fc1.weight")));
        assertEquals("[4096,1024]", shape(tensors.get("multi_modal_projector.linear_1.weight")));
        assertEquals("[32064,4096]", shape(tensors.get("language_model.model.embed_tokens.weight")));
        assertEquals("[11008,4096]", shape(tensors.get("language_model.model.layers.31.mlp.gate_proj.weight")));
        assertEquals("[4096,4096]", shape(tensors.get("language_model.model.layers.31.self_attn.k_proj.weight")));
        assertTrue(tensors.get("language_model.lm_head.weight").get("required").getAsBoolean());
        assertEquals(null, tensors.get("language_model.model.layers.32.input_layernorm.weight"));

        long d = 1024;
        long vision = d * 3 * 14 * 14 + d + 577 * d + 2 * d
                + 24 * (4 * (d * d + d) + 4 * d + (4096 * d + 4096) + (d * 4096 + d)) + 2 * d;
        long projector = 4096 * d + 4096 + 4096L * 4096 + 4096;
        long h = 4096;
        long text = 2 * 32064 * h + 32 * (4 * h * h + 3 * h * 11008 + 2 * h) + h;
        assertEquals(vision + projector + text, report.get("parameters").getAsLong());
    }

    @Test
    void missingDirectoryIsACleanError() {
        Cli run = Cli.run("inspect", "/no/such/model");
        assertEquals(1, run.code());
        assertEquals("vtc inspect: /no/such/model: not a model directory (does not exist or is not a directory)",
                run.err().strip());
    }
}
