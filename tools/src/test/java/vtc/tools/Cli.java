package vtc.tools;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import vtc.fixtures.Fixtures;

/** Runs {@code vtc} in-process and keeps what it printed. */
record Cli(int code, String out, String err) {

    static final Path TINY = Fixtures.model(Fixtures.TINY_LLAVA);
    static final Path TINY_BF16 = Fixtures.model(Fixtures.TINY_LLAVA_BF16);
    static final Path IMAGE1 = TINY.resolve("golden").resolve("image1.png");
    static final String QUESTION = "What is in the picture?";

    static Cli run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    JsonObject json() {
        if (code != 0) {
            throw new AssertionError("exit code " + code + ", stderr: " + err);
        }
        return JsonParser.parseString(out).getAsJsonObject();
    }

    @Override
    public String toString() {
        return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
}
