package vtc.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;

/** {@code vtc serve}'s command line (the server itself is tested in the server module), and {@code --template raw}. */
class ServeCommandTest {

    @Test
    void helpListsTheServerOptions() {
        Cli help = Cli.run("serve", "--help");
        assertEquals(0, help.code(), help.toString());
        assertTrue(help.out().contains("--api-key") && help.out().contains("127.0.0.1"), help.out());
    }

    @Test
    void impossiblePruningOrTemplateIsAUsageErrorBeforeLoading() {
        Cli keep = Cli.run("serve", "--model", "no-such-dir", "--keep", "0");
        assertEquals(2, keep.code(), keep.toString());
        assertTrue(keep.err().contains("--keep"), keep.err());
        Cli raw = Cli.run("serve", "--model", "no-such-dir", "--template", "raw");
        assertEquals(2, raw.code(), raw.toString());
        assertTrue(raw.err().contains("--template raw is for vtc generate"), raw.err());
    }

    /** The raw template given the llava-hf prompt text is the golden run. */
    @Test
    void rawTemplateTakesThePromptAsItIs() {
        Golden golden = Golden.of(Fixtures.TINY_LLAVA);
        Cli run = Cli.run("generate", "--model", Cli.TINY.toString(), "--image", Cli.IMAGE1.toString(),
                "--template", "raw", "--prompt", "USER: <image>\n" + Cli.QUESTION + " ASSISTANT:", "--method", "none",
                "--preprocess", "pad", "--no-eos-stop", "--max-new-tokens", "8", "--threads", "1", "--json");
        JsonArray ids = run.json().getAsJsonArray("generated_ids");
        assertArrayEquals(golden.ints("greedy.runs.full.generated_ids"),
                IntStream.range(0, ids.size()).map(i -> ids.get(i).getAsInt()).toArray());
    }
}
