package vtc.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Global flags, the version, and the hints for the wrong thing passed as a model. */
class ConsistencyTest {

    @Test
    void versionPrintsTheProjectVersion() {
        for (String[] args : new String[][] {{"--version"}, {"version"}, {"--verbose", "--version"}}) {
            Cli run = Cli.run(args);
            assertEquals(0, run.code(), run.toString());
            assertTrue(run.out().startsWith("vtc "), run.out());
            assertTrue(run.out().contains("Java "), run.out());
        }
    }

    @Test
    void globalFlagsMayPrecedeTheCommand() {
        Cli before = Cli.run("--quiet", "tokenize", "--model", Cli.TINY.toString(), "hello");
        Cli after = Cli.run("tokenize", "--model", Cli.TINY.toString(), "hello", "--quiet");
        assertEquals(0, before.code(), before.toString());
        assertEquals(after.out(), before.out());
        assertEquals("", before.err(), "--quiet before the command silences progress as after it");
        Cli verbose = Cli.run("--verbose", "generate", "--model", "/no/such/dir", "--image", "x", "--prompt", "q");
        assertEquals(1, verbose.code(), verbose.toString());
        assertTrue(verbose.err().contains("\tat "), "--verbose before the command adds the stack trace");
        Cli help = Cli.run("--help", "bench");
        assertEquals(0, help.code());
        assertTrue(help.out().startsWith("usage: vtc bench"), help.out());
    }

    @Test
    void unknownOptionBeforeTheCommandIsAUsageError() {
        Cli run = Cli.run("--model", "x", "generate");
        assertEquals(2, run.code());
        assertTrue(run.err().contains("global options"), run.err());
    }

    @Test
    void ggufFileGetsTheFormatHint(@TempDir Path dir) throws IOException {
        Path gguf = dir.resolve("llava-v1.5-7b-Q4_K.bin");
        Files.write(gguf, new byte[] {'G', 'G', 'U', 'F', 3, 0, 0, 0});
        for (Path model : new Path[] {gguf, dir}) {
            if (model == dir) {
                Files.move(gguf, dir.resolve("model.gguf"));
            }
            Cli run = Cli.run("generate", "--model", model.toString(), "--image", Cli.IMAGE1.toString(), "--prompt", "q",
                    "--quiet");
            assertEquals(1, run.code(), run.toString());
            assertTrue(run.err().contains("this engine reads Hugging Face safetensors directories, not GGUF"), run.err());
        }
    }

    /** The hub cache root (or a models--org--name folder) names the snapshot to pass instead. */
    @Test
    void huggingFaceCacheRootNamesTheSnapshot(@TempDir Path hub) throws IOException {
        Path snapshot = hub.resolve("models--llava-hf--llava-1.5-7b-hf").resolve("snapshots").resolve("abc123");
        Files.createDirectories(snapshot);
        Files.writeString(snapshot.resolve("config.json"), "{}");
        for (Path root : new Path[] {hub, hub.resolve("models--llava-hf--llava-1.5-7b-hf")}) {
            Cli run = Cli.run("inspect", "--model", root.toString());
            assertEquals(1, run.code(), run.toString());
            assertTrue(run.err().contains("Hugging Face cache folder") && run.err().contains(snapshot.toString()),
                    run.err());
        }
    }

    @Test
    void modelUrlSaysDownloadFirst() {
        Cli run = Cli.run("generate", "--model", "https://huggingface.co/llava-hf/llava-1.5-7b-hf", "--image", "x",
                "--prompt", "q");
        assertEquals(1, run.code(), run.toString());
        assertTrue(run.err().contains("never downloads"), run.err());
    }
}
