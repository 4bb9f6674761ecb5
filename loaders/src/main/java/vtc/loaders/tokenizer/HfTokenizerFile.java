package vtc.loaders.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import vtc.loaders.LoadException;
import vtc.loaders.json.JsonFields;
import vtc.loaders.json.JsonFile;

/**
 * Reads a Hugging Face {@code tokenizer.json} of the Llama kind: a BPE model with byte fallback,
 * either the legacy normalizer (Prepend {@code ▁}, Replace ' ' → {@code ▁}) or the newer Metaspace
 * pre-tokenizer, added tokens, a TemplateProcessing post-processor and the decoder chain
 * Replace/ByteFallback/Fuse/Strip (or Metaspace). Anything else is refused with a
 * {@link vtc.loaders.LoadException} saying what is not supported, rather than tokenized wrongly.
 */
final class HfTokenizerFile {

    private final JsonFields root;
    /** Whether a Replace normalizer can delete characters (then a text's length bounds no token count). */
    private boolean normalizerMayDelete;

    private HfTokenizerFile(JsonFields root) {
        this.root = root;
    }

    static Tokenizer load(Path file, TokenizerSettings settings) {
        return new HfTokenizerFile(JsonFile.readObject(file, LoadException::new)).tokenizer(settings);
    }

    private LoadException error(String message) {
        return root.error(message);
    }

    private Tokenizer tokenizer(TokenizerSettings settings) {
        JsonFields model = root.object("model");
        if (model == null) {
            throw error("missing 'model' section");
        }
        Map<String, Integer> vocab = vocab(model);
        RankedBpe bpe = bpe(model, vocab);
        List<UnaryOperator<String>> normalizers = normalizers(root.object("normalizer"));
        Metaspace metaspace = metaspace(root.object("pre_tokenizer"));

        List<AddedToken> added = addedTokens(root);
        for (AddedToken extra : settings.addedTokens()) {
            if (added.stream().noneMatch(t -> t.id() == extra.id())) {
                added.add(extra);
            }
        }
        Map<Integer, String> modelPieces = new HashMap<>();
        vocab.forEach((piece, id) -> {
            if (modelPieces.put(id, piece) != null) {
                throw error("model.vocab gives id " + id + " to two pieces");
            }
        });
        Vocabulary vocabulary = Vocabulary.assemble(root.file(), modelPieces, Set.of(), added);

        UnaryOperator<String> normalizer = text -> {
            String normalized = text;
            for (UnaryOperator<String> n : normalizers) {
                normalized = n.apply(normalized);
            }
            return normalized;
        };
        AddedTokenSplitter normalizedTokens = new AddedTokenSplitter(added.stream()
                .filter(AddedToken::normalized).map(t -> t.matching(normalizer.apply(t.content()))).toList());
        BpeTokenizer.TextEncoder encoder = (text, atTextStart, out) -> {
            // As Hugging Face does: normalize the stretch between raw added tokens once, look for the
            // normalized added tokens in it, then pre-tokenize and encode each piece between those.
            for (AddedTokenSplitter.Span span : normalizedTokens.split(normalizer.apply(text))) {
                if (span.isToken()) {
                    out.accept(span.tokenId());
                    continue;
                }
                boolean pieceAtTextStart = atTextStart && span.start() == 0;
                List<String> words = metaspace == null ? List.of(span.text()) : metaspace.words(span.text(), pieceAtTextStart);
                for (String word : words) {
                    bpe.encodeWord(word, out);
                }
            }
        };
        PostProcessor post = postProcessor(root.object("post_processor"));
        boolean addBos = settings.addBos() != null ? settings.addBos() : post.bos() != null;
        boolean addEos = settings.addEos() != null ? settings.addEos() : post.eos() != null;
        int bosId = tokenIdOrMissing(vocabulary, settings.bosToken() != null ? settings.bosToken() : post.bos(), "<s>");
        int eosId = tokenIdOrMissing(vocabulary, settings.eosToken() != null ? settings.eosToken() : post.eos(), "</s>");
        if (addBos && bosId < 0 || addEos && eosId < 0) {
            throw error("BOS/EOS should be added but the token is not in the vocabulary");
        }
        AddedTokenSplitter rawTokens = new AddedTokenSplitter(added.stream().filter(t -> !t.normalized()).toList());
        return new BpeTokenizer(vocabulary, rawTokens, encoder,
                decoder(vocabulary, root.object("decoder")), bosId, eosId, addBos, addEos,
                bpe.keepsEveryCharacter() && !normalizerMayDelete);
    }

    private static int tokenIdOrMissing(Vocabulary vocabulary, String name, String fallback) {
        return vocabulary.id(name != null ? name : fallback).orElse(-1);
    }

    private Map<String, Integer> vocab(JsonFields model) {
        JsonFields vocab = model.object("vocab");
        if (vocab == null) {
            throw error("model has no 'vocab'");
        }
        Map<String, JsonElement> entries = vocab.entries();
        Map<String, Integer> ids = new HashMap<>(entries.size() * 2);
        for (Map.Entry<String, JsonElement> e : entries.entrySet()) {
            ids.put(e.getKey(), vocab.integerAt("model.vocab['" + e.getKey() + "']", e.getValue()));
        }
        return ids;
    }

    private RankedBpe bpe(JsonFields model, Map<String, Integer> vocab) {
        String type = model.string("type", "BPE");
        if (!type.equals("BPE")) {
            throw error("model type '" + type + "' is not supported (only BPE)");
        }
        JsonElement dropout = model.raw("dropout");
        if (dropout != null
                && !(dropout.isJsonPrimitive() && dropout.getAsJsonPrimitive().isNumber() && dropout.getAsDouble() == 0)) {
            throw error("BPE dropout is not supported for inference");
        }
        for (String affix : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
            if (!model.string(affix, "").isEmpty()) {
                throw error("model." + affix + " is not supported");
            }
        }
        String unk = model.string("unk_token", null);
        Integer unkId = unk == null ? null : vocab.get(unk);
        if (unk != null && unkId == null) {
            throw error("model.unk_token '" + unk + "' is not in the vocabulary");
        }
        return new RankedBpe(vocab, merges(model, vocab), unkId == null ? -1 : unkId,
                model.bool("byte_fallback", false), model.bool("fuse_unk", false),
                model.bool("ignore_merges", false));
    }

    /** Merges as "a b" strings or ["a", "b"] pairs; the line index is the rank. */
    private Map<Long, PairMerger.Merge<Integer>> merges(JsonFields model, Map<String, Integer> vocab) {
        JsonArray array = model.array("merges", true);
        Map<Long, PairMerger.Merge<Integer>> merges = new HashMap<>(array.size() * 2);
        for (int rank = 0; rank < array.size(); rank++) {
            String[] pair = mergePair(array.get(rank), rank);
            Integer left = vocab.get(pair[0]);
            Integer right = vocab.get(pair[1]);
            Integer merged = vocab.get(pair[0] + pair[1]);
            if (left == null || right == null || merged == null) {
                throw error("merge " + rank + " '" + pair[0] + "' + '" + pair[1] + "' uses a piece not in the vocabulary");
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
        throw error("model.merges[" + rank + "] must be \"a b\" or [\"a\", \"b\"], not " + JsonFields.shortText(e));
    }

    private List<AddedToken> addedTokens(JsonFields root) {
        List<AddedToken> added = new ArrayList<>();
        for (JsonFields o : root.objects("added_tokens", false)) {
            added.add(TokenizerSettings.addedToken(o, o.integerAt(o.qualified("id"), o.raw("id"))));
        }
        return added;
    }

    private List<UnaryOperator<String>> normalizers(JsonFields normalizer) {
        List<UnaryOperator<String>> steps = new ArrayList<>();
        if (normalizer != null) {
            addNormalizer(normalizer, steps);
        }
        return steps;
    }

    private void addNormalizer(JsonFields n, List<UnaryOperator<String>> steps) {
        String type = n.string("type", "");
        switch (type) {
            case "Sequence" -> {
                for (JsonFields e : n.objects("normalizers", true)) {
                    addNormalizer(e, steps);
                }
            }
            case "Prepend" -> {
                String prefix = n.string("prepend", "");
                steps.add(s -> s.isEmpty() ? s : prefix + s);
            }
            case "Replace" -> {
                String[] rule = stringReplace(n);
                normalizerMayDelete |= rule[1].length() < rule[0].length();
                steps.add(s -> s.replace(rule[0], rule[1]));
            }
            default -> throw error("normalizer '" + type + "' is not supported");
        }
    }

    private Metaspace metaspace(JsonFields pre) {
        if (pre == null) {
            return null;
        }
        String type = pre.string("type", "");
        if (type.equals("Sequence")) {
            List<JsonFields> list = pre.objects("pretokenizers", true);
            if (list.size() == 1) {
                return metaspace(list.get(0));
            }
        }
        if (!type.equals("Metaspace")) {
            throw error("pre_tokenizer '" + type + "' is not supported (only Metaspace)");
        }
        return new Metaspace(replacement(pre), prependScheme(pre), pre.bool("split", true));
    }

    /**
     * Metaspace's {@code replacement}: one character, as Hugging Face requires (it fails to load
     * anything else); an empty one would make every string "start" with it.
     */
    private static String replacement(JsonFields metaspace) {
        String replacement = metaspace.string("replacement", "▁");
        if (replacement.codePointCount(0, replacement.length()) != 1) {
            throw metaspace.error("replacement", "must be exactly one character, got \"" + replacement + "\"");
        }
        return replacement;
    }

    /** {@code prepend_scheme}, or for older files {@code add_prefix_space} (true = always). */
    private Metaspace.Scheme prependScheme(JsonFields o) {
        String scheme = o.string("prepend_scheme", null);
        if (scheme == null) {
            return o.bool("add_prefix_space", true) ? Metaspace.Scheme.ALWAYS : Metaspace.Scheme.NEVER;
        }
        return switch (scheme) {
            case "always" -> Metaspace.Scheme.ALWAYS;
            case "first" -> Metaspace.Scheme.FIRST;
            case "never" -> Metaspace.Scheme.NEVER;
            default -> throw o.error("prepend_scheme", "is '" + scheme + "', not always, first or never");
        };
    }

    /** The decoder chain, reduced to the three things Llama decoders do. */
    private TextDecoder decoder(Vocabulary vocabulary, JsonFields decoder) {
        var chain = new Object() {
            String metaSymbol;
            boolean byteFallback;
            int strip;
        };
        List<JsonFields> steps = new ArrayList<>();
        if (decoder != null && decoder.string("type", "").equals("Sequence")) {
            steps.addAll(decoder.objects("decoders", true));
        } else if (decoder != null) {
            steps.add(decoder);
        }
        for (JsonFields step : steps) {
            String type = step.string("type", "");
            switch (type) {
                case "Replace" -> {
                    String[] rule = stringReplace(step);
                    if (!rule[1].equals(" ") || chain.metaSymbol != null) {
                        throw error("decoder Replace '" + rule[0] + "' → '" + rule[1] + "' is not supported");
                    }
                    chain.metaSymbol = rule[0];
                }
                case "ByteFallback" -> chain.byteFallback = true;
                case "Fuse" -> { }
                case "Strip" -> {
                    if (!step.string("content", " ").equals(" ") || step.integerAt(step.qualified("stop"), step.raw("stop")) != 0) {
                        throw error("decoder Strip other than leading spaces is not supported");
                    }
                    chain.strip = step.integerAt(step.qualified("start"), step.raw("start"));
                }
                case "Metaspace" -> {
                    chain.metaSymbol = replacement(step);
                    chain.strip = prependScheme(step) == Metaspace.Scheme.NEVER ? 0 : 1;
                }
                default -> throw error("decoder '" + type + "' is not supported");
            }
        }
        return new TextDecoder(vocabulary, chain.metaSymbol, chain.byteFallback, TextDecoder.ByteRuns.WHOLE_RUN,
                chain.strip);
    }

    /** The special tokens a TemplateProcessing puts before and after a single sequence. */
    private record PostProcessor(String bos, String eos) {
    }

    private PostProcessor postProcessor(JsonFields post) {
        if (post == null) {
            return new PostProcessor(null, null);
        }
        String type = post.string("type", "");
        if (!type.equals("TemplateProcessing")) {
            throw error("post_processor '" + type + "' is not supported (only TemplateProcessing)");
        }
        String bos = null;
        String eos = null;
        boolean seenSequence = false;
        for (JsonFields item : post.objects("single", true)) {
            JsonFields special = item.object("SpecialToken");
            if (special == null) {
                seenSequence = true;
            } else if (seenSequence) {
                eos = special.string("id", null);
            } else {
                bos = special.string("id", null);
            }
        }
        return new PostProcessor(bos, eos);
    }

    /** A Replace with a plain string pattern ({@code {"String": "▁"}}); regex patterns are refused. */
    private String[] stringReplace(JsonFields replace) {
        JsonFields pattern = replace.object("pattern");
        String from = pattern == null ? null : pattern.string("String", null);
        if (from == null || from.isEmpty()) {
            throw replace.error("pattern", "is not supported (only plain, non-empty strings), got "
                    + JsonFields.shortText(replace.raw("pattern")));
        }
        return new String[] {from, replace.string("content", "")};
    }
}
