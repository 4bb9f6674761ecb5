package vtc.loaders.checkpoint;

import java.util.ArrayList;
import java.util.List;
import vtc.engine.llava.LlavaConfig;
import vtc.engine.text.LlamaConfig;
import vtc.engine.vision.ClipVisionConfig;

/**
 * The tensors a LLaVA checkpoint must contain for a config, with the shapes the config implies,
 * in the llava-hf naming (docs/semantics.md, "Model directory"). Linear weights are {@code [out, in]}.
 */
public final class RequiredTensors {

    static final String VISION = "vision_tower.vision_model.";
    static final String PROJECTOR = "multi_modal_projector.";
    static final String TEXT = "language_model.model.";
    static final String EMBED_TOKENS = TEXT + "embed_tokens.weight";
    static final String LM_HEAD = "language_model.lm_head.weight";

    private RequiredTensors() {
    }

    /** Every tensor of the model in checkpoint order: vision tower, projector, decoder. */
    public static List<ExpectedTensor> of(LlavaConfig config) {
        List<ExpectedTensor> out = new ArrayList<>();
        vision(config, out);
        projector(config, out);
        text(config.text(), out);
        return List.copyOf(out);
    }

    private static void vision(LlavaConfig config, List<ExpectedTensor> out) {
        ClipVisionConfig v = config.vision();
        long d = v.hiddenSize();
        long p = v.patchSize();
        String emb = VISION + "embeddings.";
        out.add(required(emb + "patch_embedding.weight", d, v.numChannels(), p, p));
        out.add(required(emb + "class_embedding", d));
        out.add(required(emb + "position_embedding.weight", v.numPatches() + 1, d));
        out.add(required(VISION + "pre_layrnorm.weight", d));
        out.add(required(VISION + "pre_layrnorm.bias", d));
        int neededLayers = config.featureHiddenIndex();
        for (int i = 0; i < v.numHiddenLayers(); i++) {
            visionLayer(VISION + "encoder.layers." + i + ".", d, v.intermediateSize(), i < neededLayers, out);
        }
        out.add(new ExpectedTensor(VISION + "post_layernorm.weight", new long[] {d}, false));
        out.add(new ExpectedTensor(VISION + "post_layernorm.bias", new long[] {d}, false));
    }

    private static void visionLayer(String prefix, long d, long mlp, boolean required, List<ExpectedTensor> out) {
        vectorPair(prefix + "layer_norm1", d, required, out);
        for (String proj : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
            out.add(new ExpectedTensor(prefix + "self_attn." + proj + ".weight", new long[] {d, d}, required));
            out.add(new ExpectedTensor(prefix + "self_attn." + proj + ".bias", new long[] {d}, required));
        }
        vectorPair(prefix + "layer_norm2", d, required, out);
        out.add(new ExpectedTensor(prefix + "mlp.fc1.weight", new long[] {mlp, d}, required));
        out.add(new ExpectedTensor(prefix + "mlp.fc1.bias", new long[] {mlp}, required));
        out.add(new ExpectedTensor(prefix + "mlp.fc2.weight", new long[] {d, mlp}, required));
        out.add(new ExpectedTensor(prefix + "mlp.fc2.bias", new long[] {d}, required));
    }

    private static void vectorPair(String prefix, long d, boolean required, List<ExpectedTensor> out) {
        out.add(new ExpectedTensor(prefix + ".weight", new long[] {d}, required));
        out.add(new ExpectedTensor(prefix + ".bias", new long[] {d}, required));
    }

    private static void projector(LlavaConfig config, List<ExpectedTensor> out) {
        long in = config.vision().hiddenSize();
        long h = config.text().hiddenSize();
        out.add(required(PROJECTOR + "linear_1.weight", h, in));
        if (config.multimodalProjectorBias()) {
            out.add(required(PROJECTOR + "linear_1.bias", h));
        }
        out.add(required(PROJECTOR + "linear_2.weight", h, h));
        if (config.multimodalProjectorBias()) {
            out.add(required(PROJECTOR + "linear_2.bias", h));
        }
    }

    private static void text(LlamaConfig t, List<ExpectedTensor> out) {
        long h = t.hiddenSize();
        long q = (long) t.numAttentionHeads() * t.headDim();
        long kv = (long) t.numKeyValueHeads() * t.headDim();
        long mlp = t.intermediateSize();
        out.add(required(EMBED_TOKENS, t.vocabSize(), h));
        for (int i = 0; i < t.numHiddenLayers(); i++) {
            String prefix = TEXT + "layers." + i + ".";
            out.add(required(prefix + "input_layernorm.weight", h));
            out.add(required(prefix + "self_attn.q_proj.weight", q, h));
            out.add(required(prefix + "self_attn.k_proj.weight", kv, h));
            out.add(required(prefix + "self_attn.v_proj.weight", kv, h));
            out.add(required(prefix + "self_attn.o_proj.weight", h, q));
            out.add(required(prefix + "post_attention_layernorm.weight", h));
            out.add(required(prefix + "mlp.gate_proj.weight", mlp, h));
            out.add(required(prefix + "mlp.up_proj.weight", mlp, h));
            out.add(required(prefix + "mlp.down_proj.weight", h, mlp));
        }
        out.add(required(TEXT + "norm.weight", h));
        out.add(new ExpectedTensor(LM_HEAD, new long[] {t.vocabSize(), h}, !t.tieWordEmbeddings()));
    }

    private static ExpectedTensor required(String name, long... shape) {
        return new ExpectedTensor(name, shape, true);
    }
}
