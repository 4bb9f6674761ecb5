package vtc.loaders.tokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code tokenizer_config.json}, {@code special_tokens_map.json} and {@code added_tokens.json}
 * say about a tokenizer (each file is optional): whether BOS/EOS are added, the names of the special
 * tokens, and the added tokens with their ids and flags.
 *
 * @param addBos {@code add_bos_token}, or null when no file says
 * @param addEos {@code add_eos_token}, or null when no file says
 * @param specialTokens every string named as a special token (bos, eos, unk, pad, additional)
 */
record TokenizerSettings(Boolean addBos, Boolean addEos, String bosToken, String eosToken,
                         List<AddedToken> addedTokens, Set<String> specialTokens) {

    static TokenizerSettings read(Path modelDir) {
        JsonDocument config = readIfPresent(modelDir.resolve("tokenizer_config.json"));
        JsonDocument map = readIfPresent(modelDir.resolve("special_tokens_map.json"));
        JsonDocument addedJson = readIfPresent(modelDir.resolve("added_tokens.json"));

        Set<String> special = new LinkedHashSet<>();
        for (JsonDocument doc : new JsonDocument[] {map, config}) {
            if (doc != null) {
                collectSpecialNames(doc, special);
            }
        }
        List<AddedToken> added = new ArrayList<>();
        if (config != null) {
            readAddedTokensDecoder(config, added);
        }
        if (addedJson != null) {
            for (Map.Entry<String, JsonElement> e : addedJson.root().entrySet()) {
                int id = addedJson.integer(e.getValue(), "id of '" + e.getKey() + "'");
                if (added.stream().noneMatch(t -> t.id() == id)) {
                    added.add(new AddedToken(id, e.getKey(), special.contains(e.getKey()), false, false, false));
                }
            }
        }
        return new TokenizerSettings(
                config == null ? null : config.bool(config.root(), "add_bos_token"),
                config == null ? null : config.bool(config.root(), "add_eos_token"),
                tokenName(config, map, "bos_token"), tokenName(config, map, "eos_token"),
                List.copyOf(added), Set.copyOf(special));
    }

    private static JsonDocument readIfPresent(Path file) {
        return Files.isRegularFile(file) ? JsonDocument.read(file) : null;
    }

    private static String tokenName(JsonDocument config, JsonDocument map, String field) {
        String name = config == null ? null : config.tokenContent(config.root(), field);
        return name != null || map == null ? name : map.tokenContent(map.root(), field);
    }

    private static void collectSpecialNames(JsonDocument doc, Set<String> special) {
        for (String field : List.of("bos_token", "eos_token", "unk_token", "pad_token")) {
            String name = doc.tokenContent(doc.root(), field);
            if (name != null) {
                special.add(name);
            }
        }
        JsonElement extra = doc.root().get("additional_special_tokens");
        if (extra != null && extra.isJsonArray()) {
            for (JsonElement e : extra.getAsJsonArray()) {
                if (e.isJsonObject()) {
                    special.add(doc.string(e.getAsJsonObject(), "content", ""));
                } else if (e.isJsonPrimitive()) {
                    special.add(e.getAsString());
                } else {
                    throw doc.error("additional_special_tokens entries must be strings or objects");
                }
            }
        }
    }

    /** {@code added_tokens_decoder}: {"512": {"content": "<image>", "special": true, …}, …}. */
    private static void readAddedTokensDecoder(JsonDocument config, List<AddedToken> added) {
        JsonObject decoder = config.objectOrNull(config.root(), "added_tokens_decoder");
        if (decoder == null) {
            return;
        }
        for (Map.Entry<String, JsonElement> e : decoder.entrySet()) {
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw config.error("added_tokens_decoder key '" + e.getKey() + "' is not a token id");
            }
            if (!e.getValue().isJsonObject()) {
                throw config.error("added_tokens_decoder." + id + " must be an object");
            }
            added.add(addedToken(config, e.getValue().getAsJsonObject(), id));
        }
    }

    /** An AddedToken object as Hugging Face writes it (tokenizer.json and tokenizer_config.json alike). */
    static AddedToken addedToken(JsonDocument doc, JsonObject o, int id) {
        String content = doc.string(o, "content", null);
        if (content == null || content.isEmpty()) {
            throw doc.error("added token " + id + " has no content");
        }
        return new AddedToken(id, content, doc.bool(o, "special", false), doc.bool(o, "lstrip", false),
                doc.bool(o, "rstrip", false), doc.bool(o, "single_word", false));
    }
}
