package vtc.loaders.checkpoint;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtc.fixtures.Fixtures;
import vtc.loaders.LoadException;
import vtc.loaders.config.ConfigException;
import vtc.loaders.safetensors.RawSafetensors;
import vtc.loaders.safetensors.SafetensorsException;

/** Each test breaks one thing in a copy of a fixture and checks the refusal names the file and the culprit. */
class BrokenCheckpointTest {

    private static final Path F32 = Fixtures.model(Fixtures.TINY_LLAVA);
    private static final Path SHARDED = Fixtures.model(Fixtures.TINY_LLAVA_BF16);
    private static final String SHARD_2 = "model-00002-of-00002.safetensors";
    /** A tensor the bf16 index places in the second shard. */
    private static final String IN_SHARD_2 = "vision_tower.vision_model.pre_layrnorm.weight";

    @TempDir
    Path tmp;

    @Test
    void missingTensorIsNamed() throws IOException {
        Path dir = FixtureCopies.rewrite(F32, tmp.resolve("m"), Long.MAX_VALUE,
                t -> t.name().equals("language_model.model.layers.1.mlp.up_proj.weight") ? null : t);
        CheckpointException e = assertThrows(CheckpointException.class, () -> LlavaCheckpoint.open(dir).close());
        assertNames(e, dir, "1 problem(s)", "missing tensor language_model.model.layers.1.mlp.up_proj.weight [256, 96]");
    }

    @Test
    void everyShapeThatDisagreesWithTheConfigIsListedTogether() throws IOException {
        Path dir = FixtureCopies.copy(F32, tmp.resolve("m"));
        FixtureCopies.editConfig(dir, c -> {
            c.getAsJsonObject("text_config").addProperty("intermediate_size", 128);
            c.getAsJsonObject("text_config").addProperty("vocab_size", 600);
        });
        CheckpointException e = assertThrows(CheckpointException.class, () -> LlavaCheckpoint.open(dir).close());
        // 3 layers × (gate, up, down) + embed_tokens + lm_head.
        assertNames(e, dir, "11 problem(s)",
                "tensor language_model.model.embed_tokens.weight has shape [514, 96], config implies [600, 96]",
                "tensor language_model.model.layers.0.mlp.gate_proj.weight has shape [256, 96], config implies [128, 96]",
                "tensor language_model.model.layers.2.mlp.down_proj.weight has shape [96, 256], config implies [96, 128]",
                "tensor language_model.lm_head.weight has shape [514, 96], config implies [600, 96]");
    }

    @Test
    void unsupportedDtypeOfANeededTensorIsNamed() throws IOException {
        Path dir = FixtureCopies.copy(F32, tmp.resolve("m"));
        Path weights = dir.resolve("model.safetensors");
        // Same 4-byte element size, so the file stays valid; only the dtype is unusable.
        RawSafetensors.withEditedHeader(F32.resolve("model.safetensors"), weights, h -> h
                .getAsJsonObject("language_model.model.norm.weight").addProperty("dtype", "I32"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> LlavaCheckpoint.open(dir).close());
        assertNames(e, dir, "language_model.model.norm.weight has dtype I32");
    }

    @Test
    void indexNamingAMissingShardIsRefused() throws IOException {
        Path dir = FixtureCopies.copy(SHARDED, tmp.resolve("m"));
        Files.delete(dir.resolve(SHARD_2));
        CheckpointException e = assertThrows(CheckpointException.class, () -> LlavaCheckpoint.open(dir).close());
        assertNames(e, dir.resolve(ModelDirectory.INDEX_FILE), SHARD_2, "does not exist");
    }

    @Test
    void truncatedShardIsRefused() throws IOException {
        Path dir = FixtureCopies.copy(SHARDED, tmp.resolve("m"));
        Path shard = dir.resolve(SHARD_2);
        byte[] bytes = Files.readAllBytes(shard);
        Files.write(shard, Arrays.copyOf(bytes, bytes.length / 2));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> LlavaCheckpoint.open(dir).close());
        assertNames(e, shard, "outside the data section");
    }

    @Test
    void indexPathClimbingOutIsRefused() throws IOException {
        Path dir = FixtureCopies.copy(SHARDED, tmp.resolve("m"));
        editIndex(dir, map -> map.addProperty(IN_SHARD_2, "../m/" + SHARD_2));
        CheckpointException e = assertThrows(CheckpointException.class, () -> LlavaCheckpoint.open(dir).close());
        assertNames(e, dir.resolve(ModelDirectory.INDEX_FILE), "../m/" + SHARD_2, "'..'");
    }

    @Test
    void absoluteIndexPathIsRefused() throws IOException {
        Path dir = FixtureCopies.copy(SHARDED, tmp.resolve("m"));
        String absolute = dir.resolve(SHARD_2).toAbsolutePath().toString();
        editIndex(dir, map -> map.addProperty(IN_SHARD_2, absolute));
        CheckpointException e = assertThrows(CheckpointException.class, () -> LlavaCheckpoint.open(dir).close());
        assertNames(e, dir.resolve(ModelDirectory.INDEX_FILE), absolute, "absolute path");
    }

    @Test
    void symlinkEscapingTheDirectoryIsRefused() throws IOException {
        Path dir = FixtureCopies.copy(SHARDED, tmp.resolve("m"));
        Path outside = Files.createDirectories(tmp.resolve("elsewhere")).resolve(SHARD_2);
        Files.move(dir.resolve(SHARD_2), outside);
        Files.createSymbolicLink(dir.resolve(SHARD_2), outside);
        CheckpointException e = assertThrows(CheckpointException.class, () -> LlavaCheckpoint.open(dir).close());
        assertNames(e, dir.resolve(ModelDirectory.INDEX_FILE), SHARD_2, "outside the model directory");
    }

    @Test
    void tensorMissingFromTheShardTheIndexNamesIsRefused() throws IOException {
        Path dir = FixtureCopies.copy(SHARDED, tmp.resolve("m"));
        editIndex(dir, map -> map.addProperty(IN_SHARD_2, "model-00001-of-00002.safetensors"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> LlavaCheckpoint.open(dir).close());
        assertNames(e, dir.resolve(ModelDirectory.INDEX_FILE), IN_SHARD_2,
                "in model-00001-of-00002.safetensors, which does not contain it");
    }

    @Test
    void pickleOnlyDirectoryIsRefusedWithoutReadingIt() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("m"));
        Files.copy(F32.resolve("config.json"), dir.resolve("config.json"));
        // Not a pickle at all: the loader must refuse by name, never open it.
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 0x02, 0x7d});
        CheckpointException e = assertThrows(CheckpointException.class, () -> LlavaCheckpoint.open(dir).close());
        assertNames(e, dir, "pytorch_model.bin", "never deserialized", "safetensors");
    }

    @Test
    void directoryWithoutWeightsIsRefused() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("m"));
        Files.copy(F32.resolve("config.json"), dir.resolve("config.json"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> LlavaCheckpoint.open(dir).close());
        assertNames(e, dir, "has no model.safetensors and no model.safetensors.index.json");
        Path notDir = dir.resolve("config.json");
        e = assertThrows(CheckpointException.class, () -> LlavaCheckpoint.open(notDir).close());
        assertNames(e, notDir, "not a model directory");
    }

    @Test
    void badConfigInAModelDirectoryIsAConfigError() throws IOException {
        Path dir = FixtureCopies.copy(F32, tmp.resolve("m"));
        FixtureCopies.editConfig(dir, c -> c.getAsJsonObject("text_config").addProperty("hidden_act", "relu"));
        LoadException e = assertThrows(ConfigException.class, () -> LlavaCheckpoint.open(dir).close());
        assertNames(e, dir.resolve("config.json"), "text_config.hidden_act");
    }

    private static void editIndex(Path dir, Consumer<JsonObject> change) throws IOException {
        Path index = dir.resolve(ModelDirectory.INDEX_FILE);
        JsonObject json = JsonParser.parseString(Files.readString(index)).getAsJsonObject();
        change.accept(json.getAsJsonObject("weight_map"));
        Files.writeString(index, json.toString());
    }

    private static void assertNames(RuntimeException e, Path file, String... parts) {
        String m = e.getMessage();
        assertTrue(m.startsWith(file + ": "), "message should start with " + file + ": " + m);
        for (String part : parts) {
            assertTrue(m.contains(part), "message should contain '" + part + "': " + m);
        }
    }
}
