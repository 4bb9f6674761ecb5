package vtc.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtc.engine.llava.LlavaConfig;
import vtc.fixtures.Fixtures;
import vtc.loaders.config.LlavaConfigLoader;
import vtc.loaders.tokenizer.Tokenizer;
import vtc.loaders.tokenizer.Tokenizers;

/**
 * {@code vtc make-model}. Writing the real presets takes gigabytes, so the weights are tested on
 * the hidden {@code tiny} preset (forced into shards), and the big presets through their config
 * and tokenizer files.
 */
class MakeModelCommandTest {

    @Test
    void tinyPresetIsAShardedCheckpointTheLoaderAcceptsAndRuns(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("m");
        Cli made = Cli.run("make-model", "--preset", "tiny", "--dtype", "bf16", "--out", out.toString(), "--seed", "7",
                "--max-shard-bytes", "300000");
        assertEquals(0, made.code(), made.toString());
        assertTrue(Files.exists(out.resolve("model.safetensors.index.json")));
        try (var files = Files.list(out)) {
            long shards = files.filter(f -> f.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors")).count();
            assertTrue(shards >= 5, "1.5 MB of bf16 in shards of at most 300 kB, got " + shards);
        }
        for (String f : new String[] {"config.json", "preprocessor_config.json", "generation_config.json",
                "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"}) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        JsonObject inventory = Cli.run("inspect", out.toString()).json();
        for (JsonElement t : inventory.getAsJsonArray("tensors")) {
            assertEquals("BF16", t.getAsJsonObject().get("dtype").getAsString());
        }
        JsonObject report = Cli.run("generate", "--model", out.toString(), "--image", Cli.IMAGE1.toString(),
                "--prompt", Cli.QUESTION, "--max-new-tokens", "4", "--no-eos-stop", "--json", "--threads", "1").json();
        assertEquals(4, report.getAsJsonArray("generated_ids").size());
        assertEquals(64, report.getAsJsonArray("kept_indices").size(), "default --keep 64 of 64 patches");
    }

    @Test
    void sameSeedWritesTheSameBytes(@TempDir Path dir) throws IOException {
        for (String name : new String[] {"a", "b"}) {
            assertEquals(0, Cli.run("make-model", "--preset", "tiny", "--dtype", "f16", "--out",
                    dir.resolve(name).toString(), "--seed", "3").code());
        }
        assertArrayEquals(Files.readAllBytes(dir.resolve("a/model.safetensors")),
                Files.readAllBytes(dir.resolve("b/model.safetensors")));
    }

    /** The 7B preset's config.json is the real llava-1.5-7b-hf one, except bookkeeping fields. */
    @Test
    void sevenBConfigIsTheRealOne() throws IOException {
        JsonObject real = JsonParser.parseString(Files.readString(
                Fixtures.realConfig("llava-1.5-7b-hf").resolve("config.json"))).getAsJsonObject();
        real.remove("transformers_version");
        real.getAsJsonObject("text_config").remove("_name_or_path");
        real.getAsJsonObject("vision_config").remove("vocab_size");
        assertEquals(real, ModelPreset.LLAVA_1_5_7B.config("float16"));
    }

    @Test
    void miniPresetHasTheDocumentedShapesAndATokenizerCoveringItsVocabulary(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), ModelPreset.LLAVA_MINI.config("float16").toString());
        LlavaConfig config = LlavaConfigLoader.load(dir.resolve("config.json"));
        assertEquals(24, config.vision().numHiddenLayers());
        assertEquals(336, config.vision().imageSize());
        assertEquals(22, config.text().numHiddenLayers());
        assertEquals(2048, config.text().hiddenSize());
        assertEquals(4, config.text().numKeyValueHeads());
        assertEquals(5632, config.text().intermediateSize());
        assertEquals(32064, config.text().vocabSize());

        PresetTokenizer.write(Fixtures.model(Fixtures.TINY_LLAVA), dir, ModelPreset.LLAVA_MINI);
        Tokenizer tokenizer = Tokenizers.load(dir);
        assertEquals(32064, tokenizer.vocabSize());
        int[] ids = tokenizer.encode("USER: <image>\nWhat is in the picture? ASSISTANT:");
        int[] fixtureIds = Tokenizers.load(Fixtures.model(Fixtures.TINY_LLAVA))
                .encode("USER: <image>\nWhat is in the picture? ASSISTANT:");
        fixtureIds[4] = 32000; // the image token moves; every text id stays
        assertArrayEquals(fixtureIds, ids);
        assertEquals("<extra_31999>", tokenizer.piece(31999));
        assertEquals("<pad>", tokenizer.piece(32001));
    }

    @Test
    void refusesToWriteIntoANonEmptyDirectory(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("keep.txt"), "x");
        Cli run = Cli.run("make-model", "--preset", "tiny", "--dtype", "f32", "--out", dir.toString());
        assertEquals(1, run.code());
        assertEquals("vtc make-model: " + dir + " is not empty; choose a new directory", run.err().strip());
    }

    @Test
    void unknownPresetAndDtypeAreUsageErrors(@TempDir Path dir) {
        assertEquals(2, Cli.run("make-model", "--preset", "llava-2", "--dtype", "f16", "--out", dir.toString()).code());
        assertEquals(2, Cli.run("make-model", "--preset", "llava-mini", "--dtype", "int4", "--out", dir.toString()).code());
    }
}
