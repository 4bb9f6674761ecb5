package vtc.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;

/**
 * {@code vtc generate} against the golden greedy runs. Token ids and kept indices are integers
 * with margins stated in the fixture README (top1−top2 ≥ 0.0162, [CLS] score gaps ≥ 8e-3), so
 * they must match exactly.
 */
class GenerateCommandTest {

    private static final Golden GOLDEN = Golden.of(Fixtures.TINY_LLAVA);

    private static Cli generate(String... extra) {
        String[] base = {"generate", "--model", Cli.TINY.toString(), "--image", Cli.IMAGE1.toString(),
                "--prompt", Cli.QUESTION, "--preprocess", "pad", "--no-eos-stop", "--max-new-tokens", "8",
                "--threads", "1"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(args);
    }

    private static int[] ints(JsonArray a) {
        return IntStream.range(0, a.size()).map(i -> a.get(i).getAsInt()).toArray();
    }

    @Test
    void noPruningJsonIsTheGoldenFullRun() {
        JsonObject report = generate("--method", "none", "--json").json();
        assertArrayEquals(GOLDEN.ints("prompt.input_ids"), ints(report.getAsJsonArray("input_ids")));
        assertEquals(64, report.get("image_tokens").getAsInt());
        assertArrayEquals(IntStream.range(0, 64).toArray(), ints(report.getAsJsonArray("kept_indices")));
        assertArrayEquals(GOLDEN.ints("greedy.runs.full.generated_ids"), ints(report.getAsJsonArray("generated_ids")));
        assertEquals(GOLDEN.at("greedy.runs.full.decoded").getAsString(), report.get("text").getAsString());
        JsonObject timings = report.getAsJsonObject("timings_ms");
        for (String stage : new String[] {"preprocess", "vision", "prune", "prefill", "decode"}) {
            assertTrue(timings.get(stage).getAsJsonPrimitive().isNumber(), stage + " must be a JSON number");
            assertTrue(timings.get(stage).getAsDouble() >= 0, stage);
        }
    }

    @Test
    void vtcClsKeepsTheGoldenPatchesAndGeneratesTheGoldenIds() {
        JsonObject report = generate("--method", "vtc-cls", "--layers", "3", "--keep", "16", "--json").json();
        assertArrayEquals(GOLDEN.ints("vtc.by_k.k3.selected.u16"), ints(report.getAsJsonArray("kept_indices")));
        assertArrayEquals(GOLDEN.ints("greedy.runs.k3_u16.generated_ids"), ints(report.getAsJsonArray("generated_ids")));
    }

    @Test
    void fastvKeepsTheGoldenImageTokens() {
        JsonObject report = generate("--method", "fastv", "--layers", "2", "--keep", "8", "--json").json();
        assertArrayEquals(GOLDEN.ints("fastv.by_setting.k2_u8.kept_image_indices"),
                ints(report.getAsJsonArray("kept_indices")));
        assertArrayEquals(GOLDEN.ints("fastv.by_setting.k2_u8.generated_ids"),
                ints(report.getAsJsonArray("generated_ids")));
    }

    @Test
    void withoutJsonTheTextIsStreamedToStdout() {
        Cli run = generate("--method", "none");
        assertEquals(0, run.code(), run.toString());
        assertEquals(GOLDEN.at("greedy.runs.full.decoded").getAsString() + System.lineSeparator(), run.out());
        assertEquals("", run.err(), "no progress output when stderr is not a terminal");
    }

    @Test
    void fastvLayerBeyondTheDecoderIsRefusedByTheModelInOneLine() {
        Cli run = generate("--method", "fastv", "--layers", "3");
        assertEquals(1, run.code(), run.toString());
        assertTrue(run.err().contains("K must be in [1, 2]"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    /** Output order and the extra row: the golden PruMerge+ setting T = 3, s = 4, and PruMerge's own. */
    @Test
    void pruMergeReportsTheKeptPatchesInOutputOrderAndTheExtraRow() {
        for (String[] run : new String[][] {{"plus_t3_s4", "--method", "prumerge+", "--top", "3", "--stride", "4", "--json"},
                {"adaptive", "--method", "prumerge", "--json"}}) {
            String entry = "prumerge.by_setting." + run[0];
            JsonObject report = generate(java.util.Arrays.copyOfRange(run, 1, run.length)).json();
            int[] kept = GOLDEN.ints(entry + ".kept_indices");
            assertArrayEquals(kept, ints(report.getAsJsonArray("kept_indices")), run[0]);
            assertEquals(kept.length + 1, report.get("image_rows").getAsInt(), run[0]);
            assertArrayEquals(GOLDEN.ints(entry + ".generated_ids"), ints(report.getAsJsonArray("generated_ids")), run[0]);
        }
    }

    @Test
    void theOfficialPruMergePlusPresetsNeedFiveHundredSeventySixPatches() {
        Cli run = generate("--method", "prumerge+", "--keep", "64");
        assertEquals(2, run.code(), run.toString());
        assertTrue(run.err().contains("--keep") && run.err().contains("576"), run.err());
    }

    @Test
    void vtcClsLayersBeyondTheFeatureLayerIsAUsageError() {
        Cli run = generate("--layers", "6");
        assertEquals(2, run.code(), run.toString());
        assertEquals(1, run.err().lines().count(), run.err());
    }
}
