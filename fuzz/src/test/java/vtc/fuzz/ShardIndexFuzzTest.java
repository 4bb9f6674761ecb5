package vtc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import vtc.fixtures.Fixtures;
import vtc.loaders.checkpoint.LlavaCheckpoint;

/**
 * {@code model.safetensors.index.json} of a sharded checkpoint: the BF16 fixture's config and two
 * real shards stay fixed, the index is fuzzed, and the whole directory is opened. Whatever shard
 * names the index holds ({@code ../}, absolute paths, the index itself, the config), the
 * checkpoint either opens with every tensor bound or is refused by name.
 */
class ShardIndexFuzzTest {

    private static final ScratchDirectory MODEL = ScratchDirectory.withFixtureFiles(Fixtures.TINY_LLAVA_BF16,
            "config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors");

    @AfterAll
    static void removeScratch() {
        MODEL.close();
    }

    @FuzzTest(maxDuration = "5s")
    void shardIndex(byte[] index) {
        MODEL.write("model.safetensors.index.json", index);
        LoadContract.loadsOrRefusesByName(() -> LlavaCheckpoint.open(MODEL.path()).close());
    }
}
