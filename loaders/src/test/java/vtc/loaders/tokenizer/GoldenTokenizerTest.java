package vtc.loaders.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;

/**
 * Both tokenizer files of both fixtures against the goldens produced by the Hugging Face
 * tokenizers: token ids, token strings and decoded text must match exactly (no tolerance: these
 * are integers and strings).
 */
class GoldenTokenizerTest {

    record Format(String name, Function<java.nio.file.Path, Tokenizer> loader) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> tokenizers() {
        List<Arguments> all = new ArrayList<>();
        for (String fixture : List.of(Fixtures.TINY_LLAVA, Fixtures.TINY_LLAVA_BF16)) {
            all.add(Arguments.of(fixture, new Format("tokenizer.json", Tokenizers::loadTokenizerJson)));
            all.add(Arguments.of(fixture, new Format("tokenizer.model", Tokenizers::loadSentencePiece)));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("tokenizers")
    void everyTokenizerTestMatches(String fixture, Format format) {
        Golden golden = Golden.of(fixture);
        Tokenizer tokenizer = format.loader().apply(golden.modelDir());
        var cases = golden.at("tokenizer_tests").getAsJsonArray();
        assertEquals(67, cases.size());
        for (JsonElement e : cases) {
            JsonObject c = e.getAsJsonObject();
            String text = c.get("text").getAsString();
            int[] ids = ints(c, "ids");
            assertArrayEquals(ids, tokenizer.encode(text), () -> "ids of " + quoted(text));
            List<String> tokens = new ArrayList<>();
            c.getAsJsonArray("tokens").forEach(t -> tokens.add(t.getAsString()));
            assertEquals(tokens, pieces(tokenizer, ids), () -> "tokens of " + quoted(text));
            assertEquals(c.get("decoded_skip_special").getAsString(), tokenizer.decode(ids, true),
                    () -> "decode(skip) of " + quoted(text));
            assertEquals(c.get("decoded_with_special").getAsString(), tokenizer.decode(ids, false),
                    () -> "decode of " + quoted(text));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("tokenizers")
    void decodeTestsMatch(String fixture, Format format) {
        Golden golden = Golden.of(fixture);
        Tokenizer tokenizer = format.loader().apply(golden.modelDir());
        for (JsonElement e : golden.at("decode_tests").getAsJsonArray()) {
            JsonObject c = e.getAsJsonObject();
            int[] ids = ints(c, "ids");
            String sentencePiece = format.name().equals("tokenizer.model") ? SENTENCEPIECE_DECODES.get(Arrays.toString(ids)) : null;
            assertEquals(sentencePiece != null ? sentencePiece : c.get("decoded_skip_special").getAsString(),
                    tokenizer.decode(ids, true));
            assertEquals(sentencePiece != null ? sentencePiece : c.get("decoded_with_special").getAsString(),
                    tokenizer.decode(ids, false));
        }
    }

    /**
     * The goldens' decodes come from the fast tokenizer (tokenizer.json), whose ByteFallback turns a
     * whole invalid byte run into U+FFFDs. Without a tokenizer.json, Hugging Face decodes with
     * SentencePiece itself, which keeps the valid characters of the run (here the control characters
     * U+0010 and U+0002): these two runs differ, values from sentencepiece 0.2.2's decode.
     */
    private static final Map<String, String> SENTENCEPIECE_DECODES = Map.of(
            "[68, 480, 436, 99, 478, 480, 161, 19]", "ALA`DL\uFFFD\u0010",
            "[178, 282, 102, 300, 447, 243, 5, 232]", "\uFFFD Tcon5\uFFFD\u0002\uFFFD");

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("tokenizers")
    void promptIdsAndSpecialIds(String fixture, Format format) {
        Golden golden = Golden.of(fixture);
        Tokenizer tokenizer = format.loader().apply(golden.modelDir());
        assertArrayEquals(golden.ints("prompt.input_ids"), tokenizer.encode(golden.at("prompt.text").getAsString()));
        assertEquals(golden.at("prompt.image_token_index").getAsInt(), tokenizer.tokenId("<image>").getAsInt());
        // README "special ids" table and vocab 514 (config.json text_config.vocab_size).
        assertEquals(514, tokenizer.vocabSize());
        assertEquals(1, tokenizer.bosId());
        assertEquals(2, tokenizer.eosId());
        assertEquals(513, tokenizer.tokenId("<pad>").getAsInt());
        assertEquals("<0x0A>", tokenizer.piece(13));
    }

    static int[] ints(JsonObject o, String name) {
        return o.getAsJsonArray(name).asList().stream().mapToInt(JsonElement::getAsInt).toArray();
    }

    static List<String> pieces(Tokenizer tokenizer, int[] ids) {
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            out.add(tokenizer.piece(id));
        }
        return out;
    }

    static String quoted(String s) {
        return "\"" + s.replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }
}
