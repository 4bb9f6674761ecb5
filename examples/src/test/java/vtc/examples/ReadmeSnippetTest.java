package vtc.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's library snippets are copies of this project's files, region by region: when the
 * example changes, this test fails until the README shows the new code, so the README cannot
 * describe an API that no longer compiles.
 */
class ReadmeSnippetTest {

    private static final Path README = Path.of("..", "README.md");

    @Test
    void javaSnippetIsTheExampleSource() throws IOException {
        assertReadmeHolds("java", region(Path.of("src/main/java/vtc/examples/DescribeImage.java"), "// README:java"));
    }

    @Test
    void pomSnippetIsTheExamplePom() throws IOException {
        Path pom = Path.of("pom.xml");
        assertReadmeHolds("xml", "<!-- in <properties> -->\n" + region(pom, "<!-- README:properties")
                + "\n<!-- in <dependencies> -->\n" + region(pom, "<!-- README:dependencies")
                + "\n<!-- in <build> -->\n" + region(pom, "<!-- README:plugins"));
    }

    private static void assertReadmeHolds(String language, String code) throws IOException {
        String readme = Files.readString(README);
        String block = "```" + language + "\n" + code + "```\n";
        assertTrue(readme.contains(block), "README.md must hold this block verbatim (copy it from the example):\n" + block);
    }

    /** The lines strictly between the begin and end markers, with their common indentation removed. */
    static String region(Path file, String marker) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int begin = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.startsWith(marker + ":begin")) {
                begin = i;
            } else if (l.startsWith(marker + ":end")) {
                end = i;
            }
        }
        assertTrue(begin >= 0 && end > begin, file + ": region markers " + marker + ":begin/end not found");
        List<String> body = lines.subList(begin + 1, end);
        int indent = body.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String l : body) {
            out.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
        }
        return out.toString();
    }
}
