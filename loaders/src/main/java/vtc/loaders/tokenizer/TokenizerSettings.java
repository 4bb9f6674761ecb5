package vtc.loaders.tokenizer;

import com.google.gson.JsonElement;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import vtc.loaders.LoadException;
import vtc.loaders.json.JsonFields;
import vtc.loaders.json.JsonFile;

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
        JsonFields config = readIfPresent(modelDir.resolve("tokenizer_config.json"));
        JsonFields map = readIfPresent(modelDir.resolve("special_tokens_map.json"));
        JsonFields addedJson = readIfPresent(modelDir.resolve("added_tokens.json"));

        Set<String> special = new LinkedHashSet<>();
        for (JsonFields doc : new JsonFields[] {map, config}) {
            if (doc != null) {
                collectSpecialNames(doc, special);
            }
        }
        List<AddedToken> added = new ArrayList<>();
        if (config != null) {
            readAddedTokensDecoder(config, added);
        }
        if (addedJson != null) {
            for (Map.Entry<String, JsonElement> e : addedJson.entries().entrySet()) {
                int id = addedJson.integerAt("id of '" + e.getKey() + "'", e.getValue());
                if (added.stream().noneMatch(t -> t.id() == id)) {
                    added.add(new AddedToken(id, e.getKey(), special.contains(e.getKey()), false, false, false));
                }
            }
        }
        return new TokenizerSettings(
                config == null ? null : config.boolOrNull("add_bos_token"),
                config == null ? null : config.boolOrNull("add_eos_token"),
                tokenName(config, map, "bos_token"), tokenName(config, map, "eos_token"),
                List.copyOf(added), Set.copyOf(special));
    }

    /** An optional file: absent is fine, anything else at that name must be a readable JSON file. */
    private static JsonFields readIfPresent(Path file) {
        return Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? JsonFile.readObject(file, LoadException::new) : null;
    }

    private static String tokenName(JsonFields config, JsonFields map, String field) {
        String name = config == null ? null : tokenContent(config, field);
        return name != null || map == null ? name : tokenContent(map, field);
    }

    /** A token given either as a string or as an AddedToken object ({@code {"content": …}}). */
    private static String tokenContent(JsonFields o, String field) {
        JsonElement e = o.raw(field);
        if (e == null) {
            return null;
        }
        return e.isJsonObject() ? o.object(field).string("content", null) : o.string(field, null);
    }

    private static void collectSpecialNames(JsonFields doc, Set<String> special) {
        for (String field : List.of("bos_token", "eos_token", "unk_token", "pad_token")) {
            String name = tokenContent(doc, field);
            if (name != null) {
                special.add(name);
            }
        }
        JsonElement extra = doc.raw("additional_special_tokens");
        if (extra != null && extra.isJsonArray()) {
            int i = 0;
            for (JsonElement e : extra.getAsJsonArray()) {
                String where = "additional_special_tokens[" + i++ + "]";
                special.add(e.isJsonObject() ? doc.objectAt(where, e).string("content", "") : doc.stringAt(where, e));
            }
        }
    }

    /** {@code added_tokens_decoder}: {"512": {"content": "<image>", "special": true, …}, …}. */
    private static void readAddedTokensDecoder(JsonFields config, List<AddedToken> added) {
        JsonFields decoder = config.object("added_tokens_decoder");
        if (decoder == null) {
            return;
        }
        for (Map.Entry<String, JsonElement> e : decoder.entries().entrySet()) {
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw decoder.error("key '" + e.getKey() + "' is not a token id");
            }
            added.add(addedToken(decoder.objectAt(decoder.qualified(e.getKey()), e.getValue()), id));
        }
    }

    /**
     * An AddedToken object as Hugging Face writes it (tokenizer.json and tokenizer_config.json alike);
     * {@code normalized} defaults to {@code !special}, as in Hugging Face.
     */
    static AddedToken addedToken(JsonFields o, int id) {
        String content = o.string("content", null);
        if (content == null || content.isEmpty()) {
            throw o.error("content", "is missing or empty: added token " + id + " has no content");
        }
        boolean special = o.bool("special", false);
        return new AddedToken(id, content, special, o.bool("lstrip", false), o.bool("rstrip", false),
                o.bool("single_word", false), o.bool("normalized", !special));
    }
}
