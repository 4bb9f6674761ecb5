package vtc.tools;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The tokenizer of a random-weight checkpoint: the fixture's small Llama BPE tokenizer, made to
 * cover the preset's whole vocabulary. When the preset's vocabulary is the fixture's, its files
 * are copied as they are. Otherwise {@code tokenizer.json} is rewritten: the ids the fixture does
 * not have become placeholder pieces {@code <extra_N>} (no merge produces them, so encoding never
 * yields them, and decoding shows them literally), and {@code <image>} and {@code <pad>} move to
 * the preset's ids (32000 and 32001 for the real presets). {@code tokenizer.model} is then left out,
 * since its ids would disagree.
 */
final class PresetTokenizer {

    private static final String[] COPIED = {"tokenizer.json", "tokenizer.model", "tokenizer_config.json",
            "special_tokens_map.json"};
    private static final int FIXTURE_IMAGE_ID = 512;
    private static final int FIXTURE_PAD_ID = 513;

    private PresetTokenizer() {
    }

    static void write(Path fixture, Path out, ModelPreset preset) throws IOException {
        boolean sameIds = preset.text.vocab() == FIXTURE_PAD_ID + 1 && preset.imageTokenIndex == FIXTURE_IMAGE_ID
                && preset.padTokenId == FIXTURE_PAD_ID;
        if (sameIds) {
            for (String name : COPIED) {
                Files.copy(fixture.resolve(name), out.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
            return;
        }
        Map<Integer, Integer> moved = Map.of(FIXTURE_IMAGE_ID, preset.imageTokenIndex, FIXTURE_PAD_ID, preset.padTokenId);
        JsonObject tokenizer = read(fixture.resolve("tokenizer.json"));
        for (JsonElement added : tokenizer.getAsJsonArray("added_tokens")) {
            JsonObject token = added.getAsJsonObject();
            token.addProperty("id", moved.getOrDefault(token.get("id").getAsInt(), token.get("id").getAsInt()));
        }
        JsonObject vocab = tokenizer.getAsJsonObject("model").getAsJsonObject("vocab");
        for (int id = vocab.size(); id < preset.text.vocab(); id++) {
            if (id != preset.imageTokenIndex && id != preset.padTokenId) {
                vocab.addProperty("<extra_" + id + ">", id);
            }
        }
        writeJson(out.resolve("tokenizer.json"), tokenizer);

        JsonObject config = read(fixture.resolve("tokenizer_config.json"));
        JsonObject decoder = config.getAsJsonObject("added_tokens_decoder");
        JsonObject remapped = new JsonObject();
        for (var e : decoder.entrySet()) {
            int id = Integer.parseInt(e.getKey());
            remapped.add(Integer.toString(moved.getOrDefault(id, id)), e.getValue());
        }
        config.add("added_tokens_decoder", remapped);
        config.addProperty("model_max_length", preset.text.maxPositions());
        writeJson(out.resolve("tokenizer_config.json"), config);
        Files.copy(fixture.resolve("special_tokens_map.json"), out.resolve("special_tokens_map.json"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static JsonObject read(Path file) throws IOException {
        return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
    }

    static void writeJson(Path file, JsonElement json) throws IOException {
        Files.writeString(file, RunReport.toJson(json) + "\n", StandardCharsets.UTF_8);
    }
}
