package vtc.loaders.tokenizer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;
import vtc.loaders.LoadException;

/** Damaged or unsupported tokenizer files fail with a LoadException naming the file, nothing else. */
class MalformedTokenizerTest {

    private static final Path FIXTURE = Golden.of(Fixtures.TINY_LLAVA).modelDir();

    @TempDir
    Path dir;

    /** Every 13th length, and every length in the trainer/normalizer sections at the end. */
    @Test
    void truncatedTokenizerModelIsALoadException() throws IOException {
        byte[] model = Files.readAllBytes(FIXTURE.resolve("tokenizer.model"));
        int tail = model.length - 160;
        for (int length = 0; length < model.length; length += length < tail ? 13 : 1) {
            Files.write(dir.resolve("tokenizer.model"), Arrays.copyOf(model, length));
            expectLoadException(() -> Tokenizers.loadSentencePiece(dir), "tokenizer.model");
        }
    }

    /** Random byte damage must either still load or be a LoadException: never an index error. */
    @Test
    void corruptedBytesNeverEscapeAsAnotherException() throws IOException {
        byte[] model = Files.readAllBytes(FIXTURE.resolve("tokenizer.model"));
        Random random = new Random(42);
        for (int trial = 0; trial < 150; trial++) {
            byte[] damaged = model.clone();
            for (int k = 0; k < 3; k++) {
                damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
            }
            Files.write(dir.resolve("tokenizer.model"), damaged);
            try {
                Tokenizers.loadSentencePiece(dir).encode("USER: <image>\nWhat is in the picture?");
            } catch (LoadException expected) {
                assertTrue(expected.getMessage().contains("tokenizer.model"), expected.getMessage());
            }
        }
    }

    @Test
    void invalidJsonIsALoadException() throws IOException {
        String json = Files.readString(FIXTURE.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer.json"), json.substring(0, json.length() / 2));
        expectLoadException(() -> Tokenizers.load(dir), "not valid JSON");
    }

    @Test
    void missingModelSectionIsALoadException() throws IOException {
        writeTransformed(json -> json.remove("model"));
        expectLoadException(() -> Tokenizers.load(dir), "missing 'model'");
    }

    @Test
    void mergeOfUnknownPiecesIsALoadException() throws IOException {
        writeTransformed(json -> json.getAsJsonObject("model").getAsJsonArray("merges").add("▁q zz"));
        expectLoadException(() -> Tokenizers.load(dir), "merge 168");
    }

    @Test
    void unsupportedPreTokenizerIsRefused() throws IOException {
        writeTransformed(json -> {
            JsonObject byteLevel = new JsonObject();
            byteLevel.addProperty("type", "ByteLevel");
            json.add("pre_tokenizer", byteLevel);
        });
        expectLoadException(() -> Tokenizers.load(dir), "ByteLevel");
    }

    @Test
    void invalidTokenizerConfigIsALoadException() throws IOException {
        Files.copy(FIXTURE.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"add_bos_token\": \"yes\"}");
        expectLoadException(() -> Tokenizers.load(dir), "add_bos_token");
    }

    @Test
    void directoryWithoutTokenizerIsALoadException() {
        expectLoadException(() -> Tokenizers.load(dir), "no tokenizer.json or tokenizer.model");
    }

    private void writeTransformed(Consumer<JsonObject> change) throws IOException {
        JsonObject json = JsonParser.parseString(Files.readString(FIXTURE.resolve("tokenizer.json"))).getAsJsonObject();
        change.accept(json);
        for (String name : List.of("tokenizer_config.json", "special_tokens_map.json")) {
            Files.copy(FIXTURE.resolve(name), dir.resolve(name));
        }
        Files.writeString(dir.resolve("tokenizer.json"), json.toString());
    }

    private static void expectLoadException(Runnable load, String messagePart) {
        LoadException e = assertThrows(LoadException.class, load::run);
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }
}
