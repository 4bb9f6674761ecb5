package vtc.loaders.checkpoint;

import static vtc.loaders.checkpoint.RequiredTensors.EMBED_TOKENS;
import static vtc.loaders.checkpoint.RequiredTensors.LM_HEAD;
import static vtc.loaders.checkpoint.RequiredTensors.PROJECTOR;
import static vtc.loaders.checkpoint.RequiredTensors.TEXT;
import static vtc.loaders.checkpoint.RequiredTensors.VISION;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vtc.engine.llava.LlavaConfig;
import vtc.engine.llava.LlavaWeights;
import vtc.engine.llava.ProjectorWeights;
import vtc.engine.tensor.OwnedMemory;
import vtc.engine.tensor.Q8Quantizer;
import vtc.engine.tensor.WeightMatrix;
import vtc.engine.text.LlamaLayerWeights;
import vtc.engine.text.LlamaWeights;
import vtc.engine.vision.ClipLayerWeights;
import vtc.engine.vision.ClipQueryKeyWeights;
import vtc.engine.vision.ClipVisionWeights;
import vtc.loaders.safetensors.WeightStorage;

/**
 * Turns the tensors of a checkpoint into the engine's weight records: matrices stay views into
 * the loaded bytes (or, for {@link WeightPrecision#Q8_0}, linear weights are quantized and the
 * rest copied into {@code owned} memory), vectors (norms, biases, the class embedding) are copied
 * to float32. F16 linear weights in owned memory are scanned once for infinity and NaN, so the
 * decode kernels can skip that check. Before binding anything, every expected tensor is checked
 * against the shape the config implies, and all problems are reported together so a mismatched
 * config shows up in one message.
 */
final class LlavaWeightsBinder {

    /** Enough to see the pattern of a mismatched config; a hostile one could otherwise list millions. */
    private static final int MAX_LISTED_PROBLEMS = 40;

    private final LlavaConfig config;
    private final CheckpointTensors tensors;
    private final TensorNaming naming;
    private final Map<String, ExpectedTensor> expected = new LinkedHashMap<>();
    private final WeightPrecision precision;
    /** Where quantized or copied matrices go (Q8_0 only). */
    private final Arena owned;
    private final Path dir;

    private LlavaWeightsBinder(Path dir, LlavaConfig config, CheckpointTensors tensors, WeightPrecision precision,
                               Arena owned) {
        this.dir = dir;
        this.config = config;
        this.tensors = tensors;
        this.precision = precision;
        this.owned = owned;
        this.naming = TensorNaming.detect(tensors.names());
        for (ExpectedTensor t : RequiredTensors.of(config)) {
            expected.put(t.name(), t);
        }
    }

    /**
     * Checks the checkpoint in {@code dir} against {@code config}, then binds its weights; with
     * {@link WeightPrecision#Q8_0} every matrix is placed in {@code owned}, none refers to {@code tensors}.
     */
    static LlavaWeights bind(Path dir, LlavaConfig config, CheckpointTensors tensors, WeightPrecision precision,
                             Arena owned) {
        LlavaWeightsBinder binder = new LlavaWeightsBinder(dir, config, tensors, precision, owned);
        List<String> problems = binder.problems();
        if (!problems.isEmpty()) {
            List<String> shown = problems.subList(0, Math.min(problems.size(), MAX_LISTED_PROBLEMS));
            String more = problems.size() > shown.size() ? "\n  … and " + (problems.size() - shown.size()) + " more" : "";
            throw new CheckpointException(dir, problems.size() + " problem(s) with the weights for this config.json:\n  - "
                    + String.join("\n  - ", shown) + more);
        }
        return new LlavaWeights(binder.vision(), binder.projector(), binder.text());
    }

    private List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (ExpectedTensor t : expected.values()) {
            String stored = naming.stored(t.name());
            if (!tensors.contains(stored)) {
                if (t.required()) {
                    problems.add("missing tensor " + stored + " " + t.shapeText());
                }
                continue;
            }
            var info = tensors.info(stored);
            if (!t.hasShape(info.shape())) {
                problems.add("tensor " + stored + " has shape " + info.shapeText() + ", config implies " + t.shapeText());
            }
            if (!tensors.hasWeightDtype(stored)) {
                problems.add("tensor " + stored + " has dtype " + info.dtype() + "; only F32, F16 and BF16 are supported");
            }
        }
        return problems;
    }

    private ClipVisionWeights vision() {
        String emb = VISION + "embeddings.";
        List<ClipLayerWeights> layers = new ArrayList<>();
        for (int i = 0; i < config.featureHiddenIndex(); i++) {
            layers.add(visionLayer(VISION + "encoder.layers." + i + "."));
        }
        return new ClipVisionWeights(
                matrix(emb + "patch_embedding.weight"),
                vector(emb + "class_embedding"),
                matrix(emb + "position_embedding.weight"),
                vector(VISION + "pre_layrnorm.weight"), vector(VISION + "pre_layrnorm.bias"),
                List.copyOf(layers), lastLayerQueryKey());
    }

    /**
     * The last encoder layer's layer_norm1, q_proj and k_proj (PruMerge scores patches with them;
     * LLaVA's features never need them): bound when the checkpoint holds all six, else null.
     */
    private ClipQueryKeyWeights lastLayerQueryKey() {
        String p = VISION + "encoder.layers." + (config.vision().numHiddenLayers() - 1) + ".";
        String attn = p + "self_attn.";
        String[] names = {p + "layer_norm1.weight", p + "layer_norm1.bias", attn + "q_proj.weight", attn + "q_proj.bias",
                attn + "k_proj.weight", attn + "k_proj.bias"};
        for (String name : names) {
            if (!tensors.contains(naming.stored(name))) {
                return null;
            }
        }
        return new ClipQueryKeyWeights(vector(names[0]), vector(names[1]), matrix(names[2]), vector(names[3]),
                matrix(names[4]), vector(names[5]));
    }

    private ClipLayerWeights visionLayer(String p) {
        String attn = p + "self_attn.";
        return new ClipLayerWeights(
                vector(p + "layer_norm1.weight"), vector(p + "layer_norm1.bias"),
                linear(attn + "q_proj.weight"), vector(attn + "q_proj.bias"),
                linear(attn + "k_proj.weight"), vector(attn + "k_proj.bias"),
                linear(attn + "v_proj.weight"), vector(attn + "v_proj.bias"),
                linear(attn + "out_proj.weight"), vector(attn + "out_proj.bias"),
                vector(p + "layer_norm2.weight"), vector(p + "layer_norm2.bias"),
                linear(p + "mlp.fc1.weight"), vector(p + "mlp.fc1.bias"),
                linear(p + "mlp.fc2.weight"), vector(p + "mlp.fc2.bias"));
    }

    private ProjectorWeights projector() {
        boolean bias = config.multimodalProjectorBias();
        return new ProjectorWeights(
                linear(PROJECTOR + "linear_1.weight"), bias ? vector(PROJECTOR + "linear_1.bias") : null,
                linear(PROJECTOR + "linear_2.weight"), bias ? vector(PROJECTOR + "linear_2.bias") : null);
    }

    private LlamaWeights text() {
        List<LlamaLayerWeights> layers = new ArrayList<>();
        for (int i = 0; i < config.text().numHiddenLayers(); i++) {
            String p = TEXT + "layers." + i + ".";
            layers.add(new LlamaLayerWeights(
                    vector(p + "input_layernorm.weight"),
                    linear(p + "self_attn.q_proj.weight"), linear(p + "self_attn.k_proj.weight"),
                    linear(p + "self_attn.v_proj.weight"), linear(p + "self_attn.o_proj.weight"),
                    vector(p + "post_attention_layernorm.weight"),
                    linear(p + "mlp.gate_proj.weight"), linear(p + "mlp.up_proj.weight"),
                    linear(p + "mlp.down_proj.weight")));
        }
        WeightMatrix embed = matrix(EMBED_TOKENS);
        // Tied embeddings share one matrix even when a checkpoint also stores a copy of the head.
        WeightMatrix head = config.text().tieWordEmbeddings() ? embed : linear(LM_HEAD);
        return new LlamaWeights(embed, List.copyOf(layers), vector(TEXT + "norm.weight"), head);
    }

    /**
     * {@code name} as {@code [first dim, product of the rest]} (so a conv kernel becomes a matrix):
     * a view of the loaded bytes, or with Q8_0 (where the files close after load) a copy in owned memory.
     */
    private WeightMatrix matrix(String name) {
        WeightMatrix view = view(name);
        if (precision != WeightPrecision.Q8_0) {
            return view;
        }
        MemorySegment copy = OwnedMemory.allocate(owned, view.data().byteSize()).copyFrom(view.data());
        return new WeightMatrix(view.name(), copy.asReadOnly(), view.dtype(), view.rows(), view.cols());
    }

    /** The weight of a linear layer: quantized for Q8_0, else a view (F16 in owned memory scanned for infinity/NaN). */
    private WeightMatrix linear(String name) {
        WeightMatrix view = view(name);
        if (precision == WeightPrecision.Q8_0 && Q8Quantizer.fits(view)) {
            try {
                return Q8Quantizer.quantize(view, owned);
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(dir, "cannot quantize to Q8_0: " + e.getMessage());
            }
        }
        if (precision == WeightPrecision.Q8_0) {
            return matrix(name);
        }
        return tensors.storage() == WeightStorage.IN_MEMORY ? view.scannedForFinite() : view;
    }

    private WeightMatrix view(String name) {
        ExpectedTensor t = expected.get(name);
        return tensors.matrix(naming.stored(name), t.rows(), t.cols());
    }

    private float[] vector(String name) {
        return tensors.floats(naming.stored(name));
    }
}
