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

    /** The token embedding's name (the naming of a checkpoint is judged by where it lives). */
    static final String EMBED_TOKENS = TensorNames.EMBED_TOKENS;
    static final String LM_HEAD = TensorNames.LM_HEAD;

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
        out.add(required(TensorNames.PATCH_EMBEDDING, d, v.numChannels(), p, p));
        out.add(required(TensorNames.CLASS_EMBEDDING, d));
        out.add(required(TensorNames.POSITION_EMBEDDING, v.numPatches() + 1, d));
        out.add(required(TensorNames.PRE_LAYERNORM_WEIGHT, d));
        out.add(required(TensorNames.PRE_LAYERNORM_BIAS, d));
        int neededLayers = config.featureHiddenIndex();
        for (int i = 0; i < v.numHiddenLayers(); i++) {
            visionLayer(TensorNames.ClipLayer.of(i), d, v.intermediateSize(), i < neededLayers, out);
        }
        out.add(new ExpectedTensor(TensorNames.POST_LAYERNORM_WEIGHT, new long[] {d}, false));
        out.add(new ExpectedTensor(TensorNames.POST_LAYERNORM_BIAS, new long[] {d}, false));
    }

    /** In the order checkpoints store them (and {@code make-model} writes them). */
    private static void visionLayer(TensorNames.ClipLayer n, long d, long mlp, boolean required,
                                    List<ExpectedTensor> out) {
        long[] vector = {d};
        long[] square = {d, d};
        out.add(new ExpectedTensor(n.layerNorm1Weight(), vector, required));
        out.add(new ExpectedTensor(n.layerNorm1Bias(), vector, required));
        out.add(new ExpectedTensor(n.qWeight(), square, required));
        out.add(new ExpectedTensor(n.qBias(), vector, required));
        out.add(new ExpectedTensor(n.kWeight(), square, required));
        out.add(new ExpectedTensor(n.kBias(), vector, required));
        out.add(new ExpectedTensor(n.vWeight(), square, required));
        out.add(new ExpectedTensor(n.vBias(), vector, required));
        out.add(new ExpectedTensor(n.outWeight(), square, required));
        out.add(new ExpectedTensor(n.outBias(), vector, required));
        out.add(new ExpectedTensor(n.layerNorm2Weight(), vector, required));
        out.add(new ExpectedTensor(n.layerNorm2Bias(), vector, required));
        out.add(new ExpectedTensor(n.fc1Weight(), new long[] {mlp, d}, required));
        out.add(new ExpectedTensor(n.fc1Bias(), new long[] {mlp}, required));
        out.add(new ExpectedTensor(n.fc2Weight(), new long[] {d, mlp}, required));
        out.add(new ExpectedTensor(n.fc2Bias(), vector, required));
    }

    private static void projector(LlavaConfig config, List<ExpectedTensor> out) {
        long in = config.vision().hiddenSize();
        long h = config.text().hiddenSize();
        boolean bias = config.multimodalProjectorBias();
        out.add(required(TensorNames.PROJECTOR_1_WEIGHT, h, in));
        if (bias) {
            out.add(required(TensorNames.PROJECTOR_1_BIAS, h));
        }
        out.add(required(TensorNames.PROJECTOR_2_WEIGHT, h, h));
        if (bias) {
            out.add(required(TensorNames.PROJECTOR_2_BIAS, h));
        }
    }

    private static void text(LlamaConfig t, List<ExpectedTensor> out) {
        long h = t.hiddenSize();
        long q = (long) t.numAttentionHeads() * t.headDim();
        long kv = (long) t.numKeyValueHeads() * t.headDim();
        long mlp = t.intermediateSize();
        out.add(required(TensorNames.EMBED_TOKENS, t.vocabSize(), h));
        for (int i = 0; i < t.numHiddenLayers(); i++) {
            TensorNames.LlamaLayer n = TensorNames.LlamaLayer.of(i);
            out.add(required(n.inputNorm(), h));
            out.add(required(n.q(), q, h));
            out.add(required(n.k(), kv, h));
            out.add(required(n.v(), kv, h));
            out.add(required(n.o(), h, q));
            out.add(required(n.postAttentionNorm(), h));
            out.add(required(n.gate(), mlp, h));
            out.add(required(n.up(), mlp, h));
            out.add(required(n.down(), h, mlp));
        }
        out.add(required(TensorNames.FINAL_NORM, h));
        out.add(new ExpectedTensor(TensorNames.LM_HEAD, new long[] {t.vocabSize(), h}, !t.tieWordEmbeddings()));
    }

    private static ExpectedTensor required(String name, long... shape) {
        return new ExpectedTensor(name, shape, true);
    }
}
