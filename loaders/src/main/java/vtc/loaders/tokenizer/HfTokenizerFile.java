package vtc.loaders.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Reads a Hugging Face {@code tokenizer.json} of the Llama kind: a BPE model with byte fallback,
 * either the legacy normalizer (Prepend {@code ▁}, Replace ' ' → {@code ▁}) or the newer Metaspace
 * pre-tokenizer, added tokens, a TemplateProcessing post-processor and the decoder chain
 * Replace/ByteFallback/Fuse/Strip (or Metaspace). Anything else is refused with a
 * {@link vtc.loaders.LoadException} saying what is not supported, rather than tokenized wrongly.
 */
final class HfTokenizerFile {

    private final JsonDocument doc;

    private HfTokenizerFile(JsonDocument doc) {
        this.doc = doc;
    }

    static Tokenizer load(Path file, TokenizerSettings settings) {
        return new HfTokenizerFile(JsonDocument.read(file)).tokenizer(settings);
    }

    private Tokenizer tokenizer(TokenizerSettings settings) {
        JsonObject root = doc.root();
        JsonObject model = doc.objectOrNull(root, "model");
        if (model == null) {
            throw doc.error("missing 'model' section");
        }
        Map<String, Integer> vocab = vocab(model);
        RankedBpe bpe = bpe(model, vocab);
        List<UnaryOperator<String>> normalizers = normalizers(doc.objectOrNull(root, "normalizer"));
        Metaspace metaspace = metaspace(doc.objectOrNull(root, "pre_tokenizer"));

        List<AddedToken> added = addedTokens(root);
        for (AddedToken extra : settings.addedTokens()) {
            if (added.stream().noneMatch(t -> t.id() == extra.id())) {
                added.add(extra);
            }
        }
        Map<Integer, String> modelPieces = new HashMap<>();
        vocab.forEach((piece, id) -> {
            if (modelPieces.put(id, piece) != null) {
                throw doc.error("model.vocab gives id " + id + " to two pieces");
            }
        });
        Vocabulary vocabulary = Vocabulary.assemble(doc.file(), modelPieces, Set.of(), added);

        BpeTokenizer.TextEncoder encoder = (text, atTextStart, out) -> {
            String normalized = text;
            for (UnaryOperator<String> n : normalizers) {
                normalized = n.apply(normalized);
            }
            List<String> words = metaspace == null ? List.of(normalized) : metaspace.words(normalized, atTextStart);
            for (String word : words) {
                bpe.encodeWord(word, out);
            }
        };
        PostProcessor post = postProcessor(doc.objectOrNull(root, "post_processor"));
        boolean addBos = settings.addBos() != null ? settings.addBos() : post.bos() != null;
        boolean addEos = settings.addEos() != null ? settings.addEos() : post.eos() != null;
        int bosId = tokenIdOrMissing(vocabulary, settings.bosToken() != null ? settings.bosToken() : post.bos(), "<s>");
        int eosId = tokenIdOrMissing(vocabulary, settings.eosToken() != null ? settings.eosToken() : post.eos(), "</s>");
        if (addBos && bosId < 0 || addEos && eosId < 0) {
            throw doc.error("BOS/EOS should be added but the token is not in the vocabulary");
        }
        return new BpeTokenizer(vocabulary, new AddedTokenSplitter(added), encoder,
                decoder(vocabulary, doc.objectOrNull(root, "decoder")), bosId, eosId, addBos, addEos);
    }

    private static int tokenIdOrMissing(Vocabulary vocabulary, String name, String fallback) {
        return vocabulary.id(name != null ? name : fallback).orElse(-1);
    }

    private Map<String, Integer> vocab(JsonObject model) {
        JsonObject vocab = doc.objectOrNull(model, "vocab");
        if (vocab == null) {
            throw doc.error("model has no 'vocab'");
        }
        Map<String, Integer> ids = new HashMap<>(vocab.size() * 2);
        for (Map.Entry<String, JsonElement> e : vocab.entrySet()) {
            ids.put(e.getKey(), doc.integer(e.getValue(), "model.vocab['" + e.getKey() + "']"));
        }
        return ids;
    }

    private RankedBpe bpe(JsonObject model, Map<String, Integer> vocab) {
        String type = doc.string(model, "type", "BPE");
        if (!type.equals("BPE")) {
            throw doc.error("model type '" + type + "' is not supported (only BPE)");
        }
        JsonElement dropout = model.get("dropout");
        if (dropout != null && !dropout.isJsonNull()
                && !(dropout.isJsonPrimitive() && dropout.getAsJsonPrimitive().isNumber() && dropout.getAsDouble() == 0)) {
            throw doc.error("BPE dropout is not supported for inference");
        }
        for (String affix : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
            if (!doc.string(model, affix, "").isEmpty()) {
                throw doc.error("model." + affix + " is not supported");
            }
        }
        String unk = doc.string(model, "unk_token", null);
        Integer unkId = unk == null ? null : vocab.get(unk);
        if (unk != null && unkId == null) {
            throw doc.error("model.unk_token '" + unk + "' is not in the vocabulary");
        }
        return new RankedBpe(vocab, merges(model, vocab), unkId == null ? -1 : unkId,
                doc.bool(model, "byte_fallback", false), doc.bool(model, "fuse_unk", false),
                doc.bool(model, "ignore_merges", false));
    }

    /** Merges as "a b" strings or ["a", "b"] pairs; the line index is the rank. */
    private Map<Long, PairMerger.Merge<Integer>> merges(JsonObject model, Map<String, Integer> vocab) {
        JsonElement list = model.get("merges");
        if (list == null || !list.isJsonArray()) {
            throw doc.error("model.merges must be an array");
        }
        JsonArray array = list.getAsJsonArray();
        Map<Long, PairMerger.Merge<Integer>> merges = new HashMap<>(array.size() * 2);
        for (int rank = 0; rank < array.size(); rank++) {
            String[] pair = mergePair(array.get(rank), rank);
            Integer left = vocab.get(pair[0]);
            Integer right = vocab.get(pair[1]);
            Integer merged = vocab.get(pair[0] + pair[1]);
            if (left == null || right == null || merged == null) {
                throw doc.error("merge " + rank + " '" + pair[0] + "' + '" + pair[1] + "' uses a piece not in the vocabulary");
            }
            merges.put(RankedBpe.pairKey(left, right), new PairMerger.Merge<>(rank, merged)); // a repeated pair: the later line wins, as in Hugging Face
        }
        return merges;
    }

    private String[] mergePair(JsonElement e, int rank) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            String[] parts = e.getAsString().split(" ", -1);
            if (parts.length == 2) {
                return parts;
            }
        } else if (e.isJsonArray() && e.getAsJsonArray().size() == 2
                && e.getAsJsonArray().get(0).isJsonPrimitive() && e.getAsJsonArray().get(1).isJsonPrimitive()) {
            return new String[] {e.getAsJsonArray().get(0).getAsString(), e.getAsJsonArray().get(1).getAsString()};
        }
        throw doc.error("merge " + rank + " must be \"a b\" or [\"a\", \"b\"], not " + e);
    }

    private List<AddedToken> addedTokens(JsonObject root) {
        List<AddedToken> added = new ArrayList<>();
        JsonElement list = root.get("added_tokens");
        if (list == null || list.isJsonNull()) {
            return added;
        }
        if (!list.isJsonArray()) {
            throw doc.error("added_tokens must be an array");
        }
        for (JsonElement e : list.getAsJsonArray()) {
            if (!e.isJsonObject()) {
                throw doc.error("added_tokens entries must be objects");
            }
            JsonObject o = e.getAsJsonObject();
            added.add(TokenizerSettings.addedToken(doc, o, doc.integer(o.get("id"), "added token id")));
        }
        return added;
    }

    private List<UnaryOperator<String>> normalizers(JsonObject normalizer) {
        List<UnaryOperator<String>> steps = new ArrayList<>();
        if (normalizer != null) {
            addNormalizer(normalizer, steps);
        }
        return steps;
    }

    private void addNormalizer(JsonObject n, List<UnaryOperator<String>> steps) {
        String type = doc.string(n, "type", "");
        switch (type) {
            case "Sequence" -> {
                for (JsonElement e : array(n, "normalizers")) {
                    addNormalizer(e.getAsJsonObject(), steps);
                }
            }
            case "Prepend" -> {
                String prefix = doc.string(n, "prepend", "");
                steps.add(s -> s.isEmpty() ? s : prefix + s);
            }
            case "Replace" -> {
                String[] rule = stringReplace(n);
                steps.add(s -> s.replace(rule[0], rule[1]));
            }
            default -> throw doc.error("normalizer '" + type + "' is not supported");
        }
    }

    private Metaspace metaspace(JsonObject pre) {
        if (pre == null) {
            return null;
        }
        String type = doc.string(pre, "type", "");
        if (type.equals("Sequence")) {
            JsonArray list = array(pre, "pretokenizers");
            if (list.size() == 1 && list.get(0).isJsonObject()) {
                return metaspace(list.get(0).getAsJsonObject());
            }
        }
        if (!type.equals("Metaspace")) {
            throw doc.error("pre_tokenizer '" + type + "' is not supported (only Metaspace)");
        }
        return new Metaspace(doc.string(pre, "replacement", "▁"), prependScheme(pre), doc.bool(pre, "split", true));
    }

    /** {@code prepend_scheme}, or for older files {@code add_prefix_space} (true = always). */
    private Metaspace.Scheme prependScheme(JsonObject o) {
        String scheme = doc.string(o, "prepend_scheme", null);
        if (scheme == null) {
            return doc.bool(o, "add_prefix_space", true) ? Metaspace.Scheme.ALWAYS : Metaspace.Scheme.NEVER;
        }
        return switch (scheme) {
            case "always" -> Metaspace.Scheme.ALWAYS;
            case "first" -> Metaspace.Scheme.FIRST;
            case "never" -> Metaspace.Scheme.NEVER;
            default -> throw doc.error("unknown Metaspace prepend_scheme '" + scheme + "'");
        };
    }

    /** The decoder chain, reduced to the three things Llama decoders do. */
    private TextDecoder decoder(Vocabulary vocabulary, JsonObject decoder) {
        var chain = new Object() {
            String metaSymbol;
            boolean byteFallback;
            int strip;
        };
        List<JsonObject> steps = new ArrayList<>();
        if (decoder != null && doc.string(decoder, "type", "").equals("Sequence")) {
            array(decoder, "decoders").forEach(e -> steps.add(e.getAsJsonObject()));
        } else if (decoder != null) {
            steps.add(decoder);
        }
        for (JsonObject step : steps) {
            String type = doc.string(step, "type", "");
            switch (type) {
                case "Replace" -> {
                    String[] rule = stringReplace(step);
                    if (!rule[1].equals(" ") || chain.metaSymbol != null) {
                        throw doc.error("decoder Replace '" + rule[0] + "' → '" + rule[1] + "' is not supported");
                    }
                    chain.metaSymbol = rule[0];
                }
                case "ByteFallback" -> chain.byteFallback = true;
                case "Fuse" -> { }
                case "Strip" -> {
                    if (!doc.string(step, "content", " ").equals(" ") || doc.integer(step.get("stop"), "Strip.stop") != 0) {
                        throw doc.error("decoder Strip other than leading spaces is not supported");
                    }
                    chain.strip = doc.integer(step.get("start"), "Strip.start");
                }
                case "Metaspace" -> {
                    chain.metaSymbol = doc.string(step, "replacement", "▁");
                    chain.strip = prependScheme(step) == Metaspace.Scheme.NEVER ? 0 : 1;
                }
                default -> throw doc.error("decoder '" + type + "' is not supported");
            }
        }
        return new TextDecoder(vocabulary, chain.metaSymbol, chain.byteFallback, chain.strip);
    }

    /** The special tokens a TemplateProcessing puts before and after a single sequence. */
    private record PostProcessor(String bos, String eos) {
    }

    private PostProcessor postProcessor(JsonObject post) {
        if (post == null) {
            return new PostProcessor(null, null);
        }
        String type = doc.string(post, "type", "");
        if (!type.equals("TemplateProcessing")) {
            throw doc.error("post_processor '" + type + "' is not supported (only TemplateProcessing)");
        }
        JsonArray single = array(post, "single");
        String bos = null;
        String eos = null;
        boolean seenSequence = false;
        for (JsonElement e : single) {
            JsonObject item = e.getAsJsonObject();
            JsonObject special = doc.objectOrNull(item, "SpecialToken");
            if (special == null) {
                seenSequence = true;
            } else if (seenSequence) {
                eos = doc.string(special, "id", null);
            } else {
                bos = doc.string(special, "id", null);
            }
        }
        return new PostProcessor(bos, eos);
    }

    /** A Replace with a plain string pattern ({@code {"String": "▁"}}); regex patterns are refused. */
    private String[] stringReplace(JsonObject replace) {
        JsonObject pattern = doc.objectOrNull(replace, "pattern");
        String from = pattern == null ? null : doc.string(pattern, "String", null);
        if (from == null || from.isEmpty()) {
            throw doc.error("Replace with pattern " + pattern + " is not supported (only plain strings)");
        }
        return new String[] {from, doc.string(replace, "content", "")};
    }

    private JsonArray array(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || !e.isJsonArray()) {
            throw doc.error("'" + name + "' must be an array");
        }
        for (JsonElement item : e.getAsJsonArray()) {
            if (!item.isJsonObject()) {
                throw doc.error("'" + name + "' entries must be objects");
            }
        }
        return e.getAsJsonArray();
    }
}
