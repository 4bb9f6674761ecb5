package vtc.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.stream.IntStream;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;

/** {@code vtc tokenize} on every golden tokenizer and decode case (exact: they are ids and strings). */
class TokenizeCommandTest {

    private static final Golden GOLDEN = Golden.of(Fixtures.TINY_LLAVA);

    @Test
    void everyGoldenTextGivesItsIdsAndPieces() {
        for (JsonElement e : GOLDEN.at("tokenizer_tests").getAsJsonArray()) {
            JsonObject test = e.getAsJsonObject();
            String text = test.get("text").getAsString();
            JsonObject out = Cli.run("tokenize", "--model", Cli.TINY.toString(), "--", text).json();
            assertArrayEquals(ints(test.getAsJsonArray("ids")), ints(out.getAsJsonArray("ids")), text);
            assertEquals(test.getAsJsonArray("tokens"), out.getAsJsonArray("pieces"), text);
        }
    }

    @Test
    void decodePrintsTheGoldenText() {
        for (JsonElement e : GOLDEN.at("decode_tests").getAsJsonArray()) {
            JsonObject test = e.getAsJsonObject();
            String ids = IntStream.of(ints(test.getAsJsonArray("ids"))).mapToObj(Integer::toString)
                    .collect(Collectors.joining(","));
            Cli withSpecial = Cli.run("tokenize", "--model", Cli.TINY.toString(), "--decode", ids);
            assertEquals(test.get("decoded_with_special").getAsString() + System.lineSeparator(), withSpecial.out(), ids);
            Cli skipped = Cli.run("tokenize", "--model", Cli.TINY.toString(), "--decode", ids, "--skip-special");
            assertEquals(test.get("decoded_skip_special").getAsString() + System.lineSeparator(), skipped.out(), ids);
        }
    }

    @Test
    void idOutsideTheVocabularyIsAUsageError() {
        Cli run = Cli.run("tokenize", "--model", Cli.TINY.toString(), "--decode", "1,514");
        assertEquals(2, run.code());
        assertEquals("vtc tokenize: id 514 is outside the vocabulary [0, 514)", run.err().strip());
    }

    private static int[] ints(JsonArray a) {
        return IntStream.range(0, a.size()).map(i -> a.get(i).getAsInt()).toArray();
    }
}
