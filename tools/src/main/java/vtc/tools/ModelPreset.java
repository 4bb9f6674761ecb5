package vtc.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The architectures {@code vtc make-model} can write. The public presets have the shapes of the
 * real checkpoints; {@code tiny} (not advertised) has the fixture's shapes, for tests.
 */
enum ModelPreset {

    LLAVA_1_5_7B("llava-1.5-7b", true, Vision.VIT_L_14_336, new Text(4096, 11008, 32, 32, 32, 32064, 4096), 32000, 32001),
    LLAVA_1_5_13B("llava-1.5-13b", true, Vision.VIT_L_14_336, new Text(5120, 13824, 40, 40, 40, 32064, 4096), 32000, 32001),
    /** The CLIP ViT-L/14-336 tower with a 1.1B TinyLlama-shaped decoder: a real-sized vision side at a fraction of the decoder cost. */
    LLAVA_MINI("llava-mini", true, Vision.VIT_L_14_336, new Text(2048, 5632, 22, 32, 4, 32064, 4096), 32000, 32001),
    /** The tiny fixture's shapes (vocabulary 514, image token 512): seconds to write and to run. */
    TINY("tiny", false, new Vision(64, 256, 6, 4, 112, 14), new Text(96, 256, 3, 6, 2, 514, 512), 512, 513);

    /** A CLIP vision tower's shape. */
    record Vision(int hidden, int intermediate, int layers, int heads, int imageSize, int patchSize) {
        static final Vision VIT_L_14_336 = new Vision(1024, 4096, 24, 16, 336, 14);
    }

    /** A Llama decoder's shape. */
    record Text(int hidden, int intermediate, int layers, int heads, int kvHeads, int vocab, int maxPositions) {
    }

    final String cliName;
    final boolean listed;
    final Vision vision;
    final Text text;
    final int imageTokenIndex;
    final int padTokenId;

    ModelPreset(String cliName, boolean listed, Vision vision, Text text, int imageTokenIndex, int padTokenId) {
        this.cliName = cliName;
        this.listed = listed;
        this.vision = vision;
        this.text = text;
        this.imageTokenIndex = imageTokenIndex;
        this.padTokenId = padTokenId;
    }

    static ModelPreset parse(String name) {
        for (ModelPreset p : values()) {
            if (p.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new UsageException("make-model: unknown --preset \"" + name + "\"; expected one of "
                + Arrays.stream(values()).filter(p -> p.listed).map(p -> p.cliName).collect(Collectors.joining(", ")));
    }

    /**
     * {@code config.json} in the llava-hf layout. Like the real files it leaves out every text
     * field equal to the Llama default, so the 7B preset reproduces llava-1.5-7b-hf's config.
     */
    JsonObject config(String torchDtype) {
        JsonObject c = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add("LlavaForConditionalGeneration");
        c.add("architectures", arch);
        c.addProperty("ignore_index", -100);
        c.addProperty("image_token_index", imageTokenIndex);
        c.addProperty("model_type", "llava");
        c.addProperty("pad_token_id", padTokenId);
        c.addProperty("projector_hidden_act", "gelu");
        c.add("text_config", textConfig(torchDtype));
        c.addProperty("tie_word_embeddings", false);
        c.addProperty("torch_dtype", torchDtype);
        c.add("vision_config", visionConfig());
        c.addProperty("vision_feature_layer", -2);
        c.addProperty("vision_feature_select_strategy", "default");
        c.addProperty("vocab_size", text.vocab);
        return c;
    }

    private JsonObject textConfig(String torchDtype) {
        JsonObject t = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add("LlamaForCausalLM");
        t.add("architectures", arch);
        putIfNotDefault(t, "hidden_size", text.hidden, 4096);
        putIfNotDefault(t, "intermediate_size", text.intermediate, 11008);
        t.addProperty("max_position_embeddings", text.maxPositions);
        t.addProperty("model_type", "llama");
        putIfNotDefault(t, "num_attention_heads", text.heads, 32);
        putIfNotDefault(t, "num_hidden_layers", text.layers, 32);
        putIfNotDefault(t, "num_key_value_heads", text.kvHeads, text.heads);
        t.addProperty("rms_norm_eps", 1e-05);
        t.addProperty("torch_dtype", torchDtype);
        t.addProperty("vocab_size", text.vocab);
        return t;
    }

    private JsonObject visionConfig() {
        JsonObject v = new JsonObject();
        v.addProperty("hidden_size", vision.hidden);
        v.addProperty("image_size", vision.imageSize);
        v.addProperty("intermediate_size", vision.intermediate);
        v.addProperty("model_type", "clip_vision_model");
        v.addProperty("num_attention_heads", vision.heads);
        v.addProperty("num_hidden_layers", vision.layers);
        v.addProperty("patch_size", vision.patchSize);
        v.addProperty("projection_dim", 768);
        return v;
    }

    private static void putIfNotDefault(JsonObject o, String field, int value, int hfDefault) {
        if (value != hfDefault) {
            o.addProperty(field, value);
        }
    }

    /** {@code preprocessor_config.json}: CLIPImageProcessor at the tower's image size. */
    JsonObject preprocessorConfig() {
        JsonObject p = new JsonObject();
        JsonObject crop = new JsonObject();
        crop.addProperty("height", vision.imageSize);
        crop.addProperty("width", vision.imageSize);
        p.add("crop_size", crop);
        for (String flag : new String[] {"do_center_crop", "do_convert_rgb", "do_normalize", "do_rescale", "do_resize"}) {
            p.addProperty(flag, true);
        }
        p.add("image_mean", triple(0.48145466, 0.4578275, 0.40821073));
        p.addProperty("image_processor_type", "CLIPImageProcessor");
        p.add("image_std", triple(0.26862954, 0.26130258, 0.27577711));
        p.addProperty("processor_class", "LlavaProcessor");
        p.addProperty("resample", 3);
        p.addProperty("rescale_factor", 0.00392156862745098);
        JsonObject size = new JsonObject();
        size.addProperty("shortest_edge", vision.imageSize);
        p.add("size", size);
        return p;
    }

    /** {@code generation_config.json}. */
    JsonObject generationConfig() {
        JsonObject g = new JsonObject();
        g.addProperty("_from_model_config", true);
        g.addProperty("bos_token_id", 1);
        g.addProperty("eos_token_id", 2);
        g.addProperty("pad_token_id", padTokenId);
        return g;
    }

    private static JsonArray triple(double a, double b, double c) {
        JsonArray t = new JsonArray();
        t.add(a);
        t.add(b);
        t.add(c);
        return t;
    }
}
