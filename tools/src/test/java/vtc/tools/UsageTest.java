package vtc.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Command-line mistakes: exit code 2 and one line on stderr; run failures: exit 1, one line, no stack trace. */
class UsageTest {

    private static void assertOneLineUsageError(Cli run, String expected) {
        assertEquals(2, run.code(), run.toString());
        assertEquals("", run.out());
        assertEquals(expected + System.lineSeparator(), run.err());
    }

    @Test
    void noArgumentsPrintsTheOverviewAndFails() {
        Cli run = Cli.run();
        assertEquals(2, run.code());
        assertTrue(run.err().contains("commands:"));
    }

    @Test
    void helpListsEveryCommand() {
        Cli run = Cli.run("--help");
        assertEquals(0, run.code());
        for (String c : new String[] {"demo", "generate", "inspect", "tokenize", "visualize", "analyze", "make-model",
                "bench", "eval"}) {
            assertTrue(run.out().contains("  " + c + " "), c);
            Cli help = Cli.run(c, "--help");
            assertEquals(0, help.code(), c);
            assertTrue(help.out().startsWith("usage: vtc " + c), c);
        }
    }

    @Test
    void unknownCommand() {
        Cli run = Cli.run("generat");
        assertEquals(2, run.code());
        assertEquals(1, run.err().lines().count());
    }

    @Test
    void unknownOption() {
        assertOneLineUsageError(Cli.run("generate", "--modle", "x"),
                "vtc generate: unknown option --modle (see vtc generate --help)");
    }

    @Test
    void missingRequiredOption() {
        assertOneLineUsageError(Cli.run("generate", "--image", "a.png", "--prompt", "q"),
                "vtc generate: --model is required (see vtc generate --help)");
    }

    @Test
    void optionWithoutItsValue() {
        assertOneLineUsageError(Cli.run("generate", "--model"), "vtc generate: --model needs a value");
    }

    @Test
    void malformedNumbers() {
        assertOneLineUsageError(Cli.run("generate", "--model", "m", "--image", "i", "--prompt", "q", "--keep", "lots"),
                "vtc generate: --keep: expected a count such as 64 or a fraction such as 0.25, got \"lots\"");
        assertOneLineUsageError(Cli.run("generate", "--model", "m", "--image", "i", "--prompt", "q", "--threads", "0"),
                "vtc generate: --threads must be at least 1, got 0");
        assertOneLineUsageError(Cli.run("generate", "--model", "m", "--image", "i", "--prompt", "q", "--top-p", "0"),
                "vtc generate: --top-p must be in (0, 1], got 0.0");
    }

    @Test
    void unknownMethodAndOptionTheMethodDoesNotTake() {
        assertEquals(2, Cli.run("generate", "--model", "m", "--image", "i", "--prompt", "q", "--method", "magic").code());
        assertEquals(2, Cli.run("generate", "--model", "m", "--image", "i", "--prompt", "q", "--method", "none",
                "--keep", "8").code());
    }

    @Test
    void unknownModelDirectoryIsOneCleanLine() {
        Cli run = Cli.run("generate", "--model", "/no/such/dir", "--image", Cli.IMAGE1.toString(), "--prompt", "q",
                "--quiet");
        assertEquals(1, run.code());
        assertEquals("vtc generate: /no/such/dir: not a model directory (does not exist or is not a directory)"
                + System.lineSeparator(), run.err());
        assertFalse(run.err().contains("\tat "));
    }

    @Test
    void verboseAddsTheStackTrace() {
        Cli run = Cli.run("generate", "--model", "/no/such/dir", "--image", "x", "--prompt", "q", "--verbose");
        assertEquals(1, run.code());
        assertTrue(run.err().contains("\tat "), run.err());
    }
}
