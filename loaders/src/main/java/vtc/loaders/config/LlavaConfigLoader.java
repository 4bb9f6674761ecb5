package vtc.loaders.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import vtc.engine.llava.LlavaConfig;
import vtc.engine.text.LlamaConfig;
import vtc.engine.vision.ClipVisionConfig;
import vtc.loaders.json.JsonFields;
import vtc.loaders.json.JsonFile;

/**
 * Reads a Hugging Face {@code config.json} of {@code model_type: "llava"} into the engine's
 * {@link LlavaConfig}. Real files omit every field equal to the transformers default, so each
 * absent field takes the default of the corresponding HF config class (LlavaConfig,
 * CLIPVisionConfig, LlamaConfig). Anything the engine cannot run exactly as HF would (RoPE
 * scaling, unknown activations, biased Llama projections) is refused with the field named.
 */
public final class LlavaConfigLoader {

    public static final String FILE_NAME = "config.json";

    /** The engine implements CLIP's quick_gelu only; any other activation would be a silent wrong answer. */
    private static final Set<String> CLIP_ACTIVATIONS = Set.of("quick_gelu");

    private static final int MAX_LAYERS = 1024;
    private static final int MAX_HEADS = 1024;
    private static final int MAX_WIDTH = 1 << 18;
    private static final int MAX_VOCAB = 1 << 24;
    private static final int MAX_IMAGE_SIZE = 1 << 13;
    private static final int MAX_POSITIONS = 1 << 24;

    private LlavaConfigLoader() {
    }

    /** Parses {@code path}: a config.json file, or a model directory holding one. */
    public static LlavaConfig load(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(FILE_NAME) : path;
        return llava(JsonFile.readObject(file, ConfigException::new));
    }

    private static LlavaConfig llava(JsonFields root) {
        String modelType = root.string("model_type", null);
        if (modelType == null) {
            throw root.error("model_type", "is missing; expected \"llava\"");
        }
        if (!modelType.equals("llava")) {
            throw root.error("model_type", "is \"" + modelType + "\"; only \"llava\" (LLaVA-1.5) models are supported");
        }
        JsonFields visionJson = root.object("vision_config");
        ClipVisionConfig vision = visionJson == null ? llavaDefaultVision() : vision(visionJson);
        LlamaConfig text = text(root.objectOrEmpty("text_config"), root);

        int imageTokenIndex = root.integer("image_token_index", root.integer("image_token_id", 32000));
        if (imageTokenIndex < 0) {
            // Tokenizers only produce non-negative ids; it may lie past vocab_size, as it is never embedded.
            throw root.error("image_token_index", "is " + imageTokenIndex + "; a token id cannot be negative");
        }
        String projectorAct = root.string("projector_hidden_act", "gelu");
        if (!projectorAct.equals("gelu")) {
            throw root.error("projector_hidden_act", "is \"" + projectorAct + "\"; only \"gelu\" (exact erf GELU) is supported");
        }
        if (root.raw("vision_feature_layer") != null && root.raw("vision_feature_layer").isJsonArray()) {
            throw root.error("vision_feature_layer", "is a list; only a single feature layer is supported");
        }
        int featureLayer = root.integer("vision_feature_layer", -2);
        checkFeatureLayer(root, featureLayer, vision.numHiddenLayers());
        String strategy = root.string("vision_feature_select_strategy", "default");
        if (!strategy.equals("default")) {
            // "full" would make the [CLS] row a visual token too; LLaVA-1.5 and VTC-CLS drop it.
            throw root.error("vision_feature_select_strategy", "is \"" + strategy
                    + "\"; only \"default\" (drop the [CLS] row, as LLaVA-1.5) is supported");
        }
        boolean projectorBias = root.bool("multimodal_projector_bias", true);
        return new LlavaConfig(vision, text, imageTokenIndex, projectorAct, featureLayer, strategy, projectorBias,
                aspectRatio(root));
    }

    /**
     * The hidden state the features come from must be the output of a layer (not the embeddings)
     * so that at least one layer's [CLS] attention exists for VTC-CLS.
     */
    private static void checkFeatureLayer(JsonFields root, int featureLayer, int layers) {
        boolean inRange = featureLayer < 0 ? featureLayer >= -layers : featureLayer >= 1 && featureLayer <= layers;
        if (!inRange) {
            throw root.error("vision_feature_layer", "is " + featureLayer + ", outside the vision tower's "
                    + layers + " layers (allowed: -" + layers + "..-1 or 1.." + layers + ")");
        }
    }

    /** Original LLaVA configs say {@code "pad"}; anything else (or nothing) means the processor's crop. */
    private static String aspectRatio(JsonFields root) {
        String value = root.string("image_aspect_ratio", null);
        if (value == null) {
            return null;
        }
        if (value.startsWith("anyres")) {
            throw root.error("image_aspect_ratio", "is \"" + value + "\" (LLaVA-NeXT tiling), which is not supported");
        }
        return value.equals("pad") ? "pad" : null;
    }

    /** What LlavaConfig uses when vision_config is absent: the CLIP ViT-L/14-336 tower. */
    private static ClipVisionConfig llavaDefaultVision() {
        return new ClipVisionConfig(1024, 4096, 24, 16, 336, 14, 3, "quick_gelu", 1e-5);
    }

    private static ClipVisionConfig vision(JsonFields v) {
        String modelType = v.string("model_type", "clip_vision_model");
        if (!modelType.equals("clip_vision_model")) {
            throw v.error("model_type", "is \"" + modelType + "\"; only a CLIP vision tower (\"clip_vision_model\") is supported");
        }
        int hidden = positive(v, "hidden_size", 768, MAX_WIDTH);
        int intermediate = positive(v, "intermediate_size", 3072, MAX_WIDTH);
        int layers = positive(v, "num_hidden_layers", 12, MAX_LAYERS);
        int heads = positive(v, "num_attention_heads", 12, MAX_HEADS);
        int imageSize = positive(v, "image_size", 224, MAX_IMAGE_SIZE);
        int patchSize = positive(v, "patch_size", 32, MAX_IMAGE_SIZE);
        int channels = positive(v, "num_channels", 3, MAX_HEADS);
        String act = v.string("hidden_act", "quick_gelu");
        double eps = positiveNumber(v, "layer_norm_eps", 1e-5);
        if (hidden % heads != 0) {
            throw v.error("hidden_size", hidden + " is not divisible by num_attention_heads " + heads);
        }
        if (imageSize % patchSize != 0) {
            throw v.error("image_size", imageSize + " is not divisible by patch_size " + patchSize);
        }
        if (channels != 3) {
            throw v.error("num_channels", "is " + channels + "; images are RGB, so it must be 3");
        }
        if (!CLIP_ACTIVATIONS.contains(act)) {
            throw v.error("hidden_act", "is \"" + act + "\"; the CLIP tower supports \"quick_gelu\" only");
        }
        return new ClipVisionConfig(hidden, intermediate, layers, heads, imageSize, patchSize, channels, act, eps);
    }

    /** An absent text_config is an empty object: every field then takes the LlamaConfig default. */
    private static LlamaConfig text(JsonFields t, JsonFields root) {
        String modelType = t.string("model_type", "llama");
        if (!modelType.equals("llama")) {
            throw t.error("model_type", "is \"" + modelType + "\"; only a Llama decoder (\"llama\") is supported");
        }
        int vocab = positive(t, "vocab_size", 32000, MAX_VOCAB);
        int hidden = positive(t, "hidden_size", 4096, MAX_WIDTH);
        int intermediate = positive(t, "intermediate_size", 11008, MAX_WIDTH);
        int layers = positive(t, "num_hidden_layers", 32, MAX_LAYERS);
        int heads = positive(t, "num_attention_heads", 32, MAX_HEADS);
        int kvHeads = positive(t, "num_key_value_heads", heads, MAX_HEADS);
        if (hidden % heads != 0) {
            throw t.error("hidden_size", hidden + " is not divisible by num_attention_heads " + heads);
        }
        if (heads % kvHeads != 0) {
            throw t.error("num_attention_heads", heads + " is not divisible by num_key_value_heads " + kvHeads);
        }
        int headDim = positive(t, "head_dim", hidden / heads, MAX_WIDTH);
        if (headDim * heads != hidden) {
            throw t.error("head_dim", "is " + headDim + "; only hidden_size / num_attention_heads = "
                    + hidden / heads + " is supported");
        }
        if (headDim % 2 != 0) {
            throw t.error(t.has("head_dim") ? "head_dim" : "hidden_size", "gives head_dim " + headDim
                    + " (hidden_size " + hidden + " / num_attention_heads " + heads
                    + "); RoPE rotates pairs of dimensions, so it must be even");
        }
        String act = t.string("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw t.error("hidden_act", "is \"" + act + "\"; the Llama decoder supports only \"silu\"");
        }
        if (t.raw("rope_scaling") != null) {
            throw t.error("rope_scaling", "is set (" + t.raw("rope_scaling") + "); RoPE scaling is not supported");
        }
        refuseBias(t, "attention_bias");
        refuseBias(t, "mlp_bias");
        int positions = positive(t, "max_position_embeddings", 2048, MAX_POSITIONS);
        double eps = positiveNumber(t, "rms_norm_eps", 1e-6);
        double theta = positiveNumber(t, "rope_theta", 10000.0);
        boolean tied = t.bool("tie_word_embeddings", root.bool("tie_word_embeddings", false));
        int bos = t.integer("bos_token_id", 1);
        int[] eos = t.integers("eos_token_id", new int[] {2});
        return new LlamaConfig(vocab, hidden, intermediate, layers, heads, kvHeads, headDim, act, positions,
                eps, theta, tied, bos, eos);
    }

    private static void refuseBias(JsonFields t, String field) {
        if (t.bool(field, false)) {
            throw t.error(field, "is true; Llama projections with biases are not supported");
        }
    }

    /**
     * A positive size no larger than {@code max}. The bounds lie far beyond any published model; they
     * exist so that a hostile config is refused here instead of making the loader enumerate a
     * billion layers or the engine overflow an array size.
     */
    private static int positive(JsonFields o, String field, int defaultValue, int max) {
        int value = o.integer(field, defaultValue);
        if (value <= 0 || value > max) {
            throw o.error(field, "must be in [1, " + max + "], got " + value);
        }
        return value;
    }

    private static double positiveNumber(JsonFields o, String field, double defaultValue) {
        double value = o.number(field, defaultValue);
        if (!(value > 0) || Double.isInfinite(value)) {
            throw o.error(field, "must be a positive number, got " + value);
        }
        return value;
    }
}
