package vtc.loaders.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;

/**
 * The other shapes a Llama tokenizer.json comes in, written by transforming the fixture's file:
 * merges as pairs, the newer Metaspace pre-tokenizer instead of the legacy normalizer, and added
 * tokens with lstrip/rstrip. Expected ids are derived from the goldens, never from this code.
 */
class TokenizerJsonFormsTest {

    private static final Golden GOLDEN = Golden.of(Fixtures.TINY_LLAVA);
    private static final Pattern SPECIAL = Pattern.compile("<unk>|<s>|</s>|<image>|<pad>");
    private static final int META = 410; // "▁" on its own

    @TempDir
    Path dir;

    @Test
    void mergesAsPairsGiveTheSameIds() throws IOException {
        Tokenizer tokenizer = transformed(json -> {
            JsonArray pairs = new JsonArray();
            for (JsonElement merge : json.getAsJsonObject("model").getAsJsonArray("merges")) {
                JsonArray pair = new JsonArray();
                for (String part : merge.getAsString().split(" ")) {
                    pair.add(part);
                }
                pairs.add(pair);
            }
            json.getAsJsonObject("model").add("merges", pairs);
        });
        for (JsonElement e : GOLDEN.at("tokenizer_tests").getAsJsonArray()) {
            JsonObject c = e.getAsJsonObject();
            assertArrayEquals(GoldenTokenizerTest.ints(c, "ids"), tokenizer.encode(c.get("text").getAsString()));
        }
    }

    /**
     * Metaspace differs from the legacy normalizer in one way: it adds no {@code ▁} to text that
     * already starts with one (after spaces became {@code ▁}), and with "first" none to text after
     * an added token. Where the legacy ids of such a stretch start with a lone {@code ▁}, the
     * Metaspace ids are the same minus that token; every other stretch must come out identical.
     */
    @ParameterizedTest
    @ValueSource(strings = {"always", "first"})
    void metaspaceFormMatchesTheLegacyIdsItShouldMatch(String scheme) throws IOException {
        Tokenizer tokenizer = transformed(json -> {
            json.add("normalizer", JsonNull.INSTANCE);
            JsonObject metaspace = new JsonObject();
            metaspace.addProperty("type", "Metaspace");
            metaspace.addProperty("replacement", "▁");
            metaspace.addProperty("prepend_scheme", scheme);
            metaspace.addProperty("split", false);
            json.add("pre_tokenizer", metaspace);
        });
        int checked = 0;
        for (JsonElement e : GOLDEN.at("tokenizer_tests").getAsJsonArray()) {
            JsonObject c = e.getAsJsonObject();
            String text = c.get("text").getAsString();
            int[] expected = metaspaceIds(text, GoldenTokenizerTest.ints(c, "ids"), scheme.equals("first"));
            if (expected != null) {
                assertArrayEquals(expected, tokenizer.encode(text), () -> "ids of " + GoldenTokenizerTest.quoted(text));
                checked++;
            }
        }
        assertTrue(checked >= 64, "only " + checked + " golden cases could be checked");
        // The llava prompt in the "first" form: no ▁ between <image> and the newline.
        int[] prompt = GOLDEN.ints("prompt.input_ids");
        int image = GOLDEN.at("prompt.image_token_position").getAsInt();
        if (scheme.equals("first")) {
            int[] withoutMeta = IntStream.range(0, prompt.length).filter(i -> i != image + 1).map(i -> prompt[i]).toArray();
            assertArrayEquals(withoutMeta, tokenizer.encode(GOLDEN.at("prompt.text").getAsString()));
        }
    }

    @Test
    void lstripAndRstripSwallowTheWhitespaceAroundAnAddedToken() throws IOException {
        Tokenizer tokenizer = transformed(json -> {
            for (JsonElement t : json.getAsJsonArray("added_tokens")) {
                if (t.getAsJsonObject().get("content").getAsString().equals("<image>")) {
                    t.getAsJsonObject().addProperty("lstrip", true);
                    t.getAsJsonObject().addProperty("rstrip", true);
                }
            }
        });
        // "USER:" and "What is in the picture? ASSISTANT:" are tokenized alone; their ids are
        // those of the golden case "USER: What is in the picture? ASSISTANT: The picture …"
        // (tokens ▁USER : | ▁What … ▁ASSISTANT :), where no merge crosses those boundaries.
        int[] reference = GoldenTokenizerTest.ints(
                GOLDEN.at("tokenizer_tests").getAsJsonArray().get(63).getAsJsonObject(), "ids");
        assertEquals("USER: What is in the picture? ASSISTANT: The picture shows a red circle next to a blue square.",
                GOLDEN.at("tokenizer_tests").getAsJsonArray().get(63).getAsJsonObject().get("text").getAsString());
        int[] expected = IntStream.concat(IntStream.of(1, reference[1], reference[2], 512),
                IntStream.of(reference).skip(3).limit(12)).toArray();
        assertArrayEquals(expected, tokenizer.encode("USER: <image>\nWhat is in the picture? ASSISTANT:"));
    }

    @Test
    void loadPrefersTokenizerJsonOverTokenizerModel() throws IOException {
        copySettings();
        Files.copy(GOLDEN.modelDir().resolve("tokenizer.model"), dir.resolve("tokenizer.model"));
        String prompt = GOLDEN.at("prompt.text").getAsString();
        assertArrayEquals(GOLDEN.ints("prompt.input_ids"), Tokenizers.load(dir).encode(prompt));

        JsonObject json = fixtureJson();
        JsonObject metaspace = new JsonObject();
        metaspace.addProperty("type", "Metaspace");
        metaspace.addProperty("prepend_scheme", "first");
        metaspace.addProperty("split", false);
        json.add("normalizer", JsonNull.INSTANCE);
        json.add("pre_tokenizer", metaspace);
        Files.writeString(dir.resolve("tokenizer.json"), json.toString());
        int image = GOLDEN.at("prompt.image_token_position").getAsInt();
        assertEquals(13, Tokenizers.load(dir).encode(prompt)[image + 1], "the Metaspace tokenizer.json was used");
    }

    /** Expected Metaspace ids from the legacy golden ids, or null where they cannot be derived. */
    private static int[] metaspaceIds(String text, int[] legacyIds, boolean firstOnly) {
        List<Integer> out = new ArrayList<>(List.of(legacyIds[0]));
        int next = 1;
        int textStart = 0;
        Matcher m = SPECIAL.matcher(text);
        while (true) {
            boolean found = m.find();
            int end = found ? m.start() : text.length();
            if (end > textStart) {
                String segment = text.substring(textStart, end);
                int chunkEnd = next;
                while (chunkEnd < legacyIds.length && !isSpecialId(legacyIds[chunkEnd])) {
                    chunkEnd++;
                }
                boolean metaspacePrepends = (!firstOnly || textStart == 0)
                        && !(segment.startsWith(" ") || segment.startsWith("▁"));
                if (!metaspacePrepends) {
                    if (legacyIds[next] != META) {
                        return null;
                    }
                    next++;
                }
                for (int i = next; i < chunkEnd; i++) {
                    out.add(legacyIds[i]);
                }
                next = chunkEnd;
            }
            if (!found) {
                break;
            }
            out.add(legacyIds[next++]);
            textStart = m.end();
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean isSpecialId(int id) {
        return id <= 2 || id >= 512;
    }

    private Tokenizer transformed(Consumer<JsonObject> change) throws IOException {
        JsonObject json = fixtureJson();
        change.accept(json);
        copySettings();
        Files.writeString(dir.resolve("tokenizer.json"), json.toString());
        return Tokenizers.loadTokenizerJson(dir);
    }

    private static JsonObject fixtureJson() throws IOException {
        return JsonParser.parseString(Files.readString(GOLDEN.modelDir().resolve("tokenizer.json"))).getAsJsonObject();
    }

    private void copySettings() throws IOException {
        for (String name : List.of("tokenizer_config.json", "special_tokens_map.json")) {
            Files.copy(GOLDEN.modelDir().resolve(name), dir.resolve(name));
        }
    }
}
