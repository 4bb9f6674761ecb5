package vtc.loaders.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtc.engine.llava.InvalidRequestException;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;
import vtc.loaders.LoadException;

/**
 * Tokenizer files that load (or look as if they should) but used to hang, crash or answer
 * differently from Hugging Face. Expected ids and texts were produced by Hugging Face tokenizers
 * 0.22.2 and sentencepiece 0.2.2 on the same altered fixture files.
 */
class HostileTokenizerTest {

    private static final Path FIXTURE = Golden.of(Fixtures.TINY_LLAVA).modelDir();
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final String PROMPT = "USER: <image>\nWhat is in the picture? ASSISTANT:";

    @TempDir
    Path dir;

    /** Hugging Face refuses it ("expected a character"); it used to loop forever, growing a list. */
    @Test
    void metaspaceWithAnEmptyReplacementIsRefusedAtLoad() throws IOException {
        writeTokenizerJson(json -> {
            JsonObject metaspace = new JsonObject();
            metaspace.addProperty("type", "Metaspace");
            metaspace.addProperty("replacement", "");
            metaspace.addProperty("prepend_scheme", "always");
            json.add("pre_tokenizer", metaspace);
        });
        LoadException e = assertTimeoutPreemptively(BOUND, () -> assertThrows(LoadException.class,
                () -> Tokenizers.loadTokenizerJson(dir).encode(PROMPT)));
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("pre_tokenizer.replacement"),
                e.getMessage());
    }

    /** SentencePiece refuses it ("piece must not be empty"); it used to loop forever, matching nothing. */
    @Test
    void emptyUserDefinedPieceIsRefusedAtLoad() throws IOException {
        copySettings();
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        model.writeBytes(Files.readAllBytes(FIXTURE.resolve("tokenizer.model")));
        // One more ModelProto.pieces entry (field 1, length 4): SentencePiece {piece: "" (field 1), type: USER_DEFINED = 4 (field 3)}.
        model.writeBytes(new byte[] {0x0A, 0x04, 0x0A, 0x00, 0x18, 0x04});
        Files.write(dir.resolve("tokenizer.model"), model.toByteArray());
        LoadException e = assertTimeoutPreemptively(BOUND, () -> assertThrows(LoadException.class,
                () -> Tokenizers.loadSentencePiece(dir).encode(PROMPT)));
        assertTrue(e.getMessage().contains("tokenizer.model") && e.getMessage().contains("empty"), e.getMessage());
    }

    /** llava-1.5-7b's embedding has 32064 rows, its tokenizer 32002 ids: Hugging Face decodes the rest as nothing. */
    @Test
    void idsPastTheVocabularyDecodeToNothingInBothFormats() throws IOException {
        for (Tokenizer tokenizer : List.of(Tokenizers.loadTokenizerJson(FIXTURE), Tokenizers.loadSentencePiece(FIXTURE))) {
            int past = tokenizer.vocabSize();
            int[] ids = tokenizer.encode("What is in the picture?");
            int[] withExtra = new int[ids.length + 2];
            System.arraycopy(ids, 0, withExtra, 0, 3);
            withExtra[3] = past;
            System.arraycopy(ids, 3, withExtra, 4, ids.length - 3);
            withExtra[withExtra.length - 1] = past + 61;
            String expected = tokenizer.decode(ids, true);
            assertEquals(expected, tokenizer.decode(withExtra, true));
            assertEquals(tokenizer.decode(ids, false), tokenizer.decode(withExtra, false));
            StreamingDecoder stream = tokenizer.streamingDecoder(true);
            StringBuilder streamed = new StringBuilder();
            for (int id : withExtra) {
                streamed.append(stream.push(id));
            }
            assertEquals(expected, streamed.append(stream.flush()).toString());
            assertTrue(!tokenizer.isSpecial(past));
        }
    }

    @Test
    void loneSurrogateInThePromptIsAnInvalidRequest() {
        Tokenizer tokenizer = Tokenizers.load(FIXTURE);
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> tokenizer.encode("USER: \uD83D <image>"));
        assertTrue(e.getMessage().contains("U+D83D") && e.getMessage().contains("character 6"), e.getMessage());
    }

    /** Hugging Face drops a character it can neither find, nor spell in bytes, nor call unknown: so do we. */
    @Test
    void characterWithNeitherUnknownTokenNorByteFallbackIsDroppedAsHuggingFaceDoes() throws IOException {
        writeTokenizerJson(json -> {
            json.getAsJsonObject("model").add("unk_token", null);
            json.getAsJsonObject("model").addProperty("byte_fallback", false);
        });
        assertArrayEquals(new int[] {1, 259, 430}, Tokenizers.loadTokenizerJson(dir).encode("a\nb€"));
    }

    /**
     * An added token marked {@code normalized: true} is looked for in the normalized text, its own
     * content normalized too ({@code ▁<image>} under the legacy Llama normalizer), and the text after
     * it gets no second dummy prefix.
     */
    @Test
    void normalizedAddedTokensAreMatchedAfterNormalizationAsHuggingFaceDoes() throws IOException {
        writeTokenizerJson(json -> {
            for (JsonElement token : json.getAsJsonArray("added_tokens")) {
                if (token.getAsJsonObject().get("content").getAsString().equals("<image>")) {
                    token.getAsJsonObject().addProperty("normalized", true);
                }
            }
        });
        Tokenizer tokenizer = Tokenizers.loadTokenizerJson(dir);
        assertArrayEquals(new int[] {1, 320, 438, 512, 13, 450, 338, 277, 287, 265, 279, 417, 332, 425, 263, 443, 322, 438},
                tokenizer.encode(PROMPT));
        assertArrayEquals(new int[] {1, 410, 512, 410}, tokenizer.encode(" <image> "));
        assertArrayEquals(new int[] {1, 512, 449}, tokenizer.encode("<image>x"));
        assertArrayEquals(new int[] {1, 259, 494, 417, 408, 328, 495, 430}, tokenizer.encode("a<image>b"));
        // The fixture as shipped (normalized: false) is matched on the raw text.
        assertArrayEquals(new int[] {1, 259, 512, 269}, Tokenizers.loadTokenizerJson(FIXTURE).encode("a<image>b"));
    }

    /**
     * Bytes 41 E2 82 42 C3 A9 FF: SentencePiece keeps A, B and é and replaces each bad byte; Hugging
     * Face's ByteFallback replaces every byte of a run that is not valid as a whole.
     */
    @Test
    void byteRunsDecodeAsEachFormatsReferenceDoes() {
        int[] ids = {68, 229, 133, 69, 198, 172, 258};
        assertEquals("A\uFFFD\uFFFDB\u00E9\uFFFD", decodeBothWays(Tokenizers.loadSentencePiece(FIXTURE), ids));
        assertEquals("\uFFFD".repeat(7), decodeBothWays(Tokenizers.loadTokenizerJson(FIXTURE), ids));
        // Overlong, surrogate and beyond-U+10FFFF forms are bad bytes for SentencePiece too.
        int[] overlongSurrogateTooLarge = byteIds(0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xF4, 0x90, 0x80, 0x80, 0x41);
        assertEquals("\uFFFD".repeat(9) + "A", decodeBothWays(Tokenizers.loadSentencePiece(FIXTURE), overlongSurrogateTooLarge));
    }

    /** The length bound refuses what cannot fit, tokenizes what may, and is off where characters can vanish. */
    @Test
    void textCertainlyTooLongIsRefusedBeforeTokenizing() throws IOException {
        String text = "What is in the picture? ".repeat(10_000);
        for (Tokenizer tokenizer : List.of(Tokenizers.loadTokenizerJson(FIXTURE), Tokenizers.loadSentencePiece(FIXTURE))) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> tokenizer.encode(text, 400));
            assertTrue(e.getMessage().contains("240000 characters") && e.getMessage().contains("refused before tokenizing"),
                    e.getMessage());
            int exact = tokenizer.encode(text).length;
            assertArrayEquals(tokenizer.encode(text), tokenizer.encode(text, exact));
            // Whitespace counts for nothing in the bound (SentencePiece may collapse it): not refused here.
            tokenizer.encode(" ".repeat(10_000), 1);
        }
        writeTokenizerJson(json -> {
            json.getAsJsonObject("model").add("unk_token", null);
            json.getAsJsonObject("model").addProperty("byte_fallback", false);
        });
        String unknown = "\u2603".repeat(10_000);  // no piece, no byte fallback, no unknown token: all dropped
        assertArrayEquals(new int[] {1, 410}, Tokenizers.loadTokenizerJson(dir).encode(unknown, 1));  // BOS and the prefix ▁
    }

    private static int[] byteIds(int... bytes) {
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] + 3;  // <0x00> is id 3 in the fixture, as in Llama
        }
        return ids;
    }

    private static String decodeBothWays(Tokenizer tokenizer, int[] ids) {
        String whole = tokenizer.decode(ids, true);
        StreamingDecoder stream = tokenizer.streamingDecoder(true);
        StringBuilder streamed = new StringBuilder();
        for (int id : ids) {
            streamed.append(stream.push(id));
        }
        assertEquals(whole, streamed.append(stream.flush()).toString());
        return whole;
    }

    private void writeTokenizerJson(Consumer<JsonObject> change) throws IOException {
        JsonObject json = JsonParser.parseString(Files.readString(FIXTURE.resolve("tokenizer.json"))).getAsJsonObject();
        change.accept(json);
        copySettings();
        Files.writeString(dir.resolve("tokenizer.json"), json.toString());
    }

    private void copySettings() throws IOException {
        for (String name : List.of("tokenizer_config.json", "special_tokens_map.json")) {
            Files.copy(FIXTURE.resolve(name), dir.resolve(name));
        }
    }

}
