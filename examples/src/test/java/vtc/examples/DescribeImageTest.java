package vtc.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import vtc.fixtures.Fixtures;

/** The README's library example, run as written on the tiny checkpoint in a JVM set up as the README says. */
class DescribeImageTest {

    @Test
    void runsOnTheTinyCheckpoint() {
        Path model = Fixtures.model(Fixtures.TINY_LLAVA);
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            DescribeImage.main(new String[] {model.toString(), model.resolve("golden/image1.png").toString()});
        } finally {
            System.setOut(original);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        String summary = lines.get(lines.size() - 1);
        // The tiny model's grid has N = 64 patches, so U = 64 keeps them all.
        assertTrue(summary.startsWith("64 of 64 visual tokens kept, Timings["), summary);
        assertFalse(lines.subList(0, lines.size() - 1).stream().allMatch(String::isBlank), "the text was streamed");
    }
}
