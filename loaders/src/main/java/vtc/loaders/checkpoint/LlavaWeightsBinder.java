package vtc.loaders.checkpoint;


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
        List<ClipLayerWeights> layers = new ArrayList<>();
        for (int i = 0; i < config.featureHiddenIndex(); i++) {
            layers.add(visionLayer(TensorNames.ClipLayer.of(i)));
        }
        return new ClipVisionWeights(
                matrix(TensorNames.PATCH_EMBEDDING),
                vector(TensorNames.CLASS_EMBEDDING),
                matrix(TensorNames.POSITION_EMBEDDING),
                vector(TensorNames.PRE_LAYERNORM_WEIGHT), vector(TensorNames.PRE_LAYERNORM_BIAS),
                List.copyOf(layers), lastLayerQueryKey());
    }

    /**
     * The last encoder layer's layer_norm1, q_proj and k_proj (PruMerge scores patches with them;
     * LLaVA's features never need them): bound when the checkpoint holds all six, else null.
     */
    private ClipQueryKeyWeights lastLayerQueryKey() {
        TensorNames.ClipLayer n = TensorNames.ClipLayer.of(config.vision().numHiddenLayers() - 1);
        for (String name : new String[] {n.layerNorm1Weight(), n.layerNorm1Bias(), n.qWeight(), n.qBias(),
                n.kWeight(), n.kBias()}) {
            if (!tensors.contains(naming.stored(name))) {
                return null;
            }
        }
        return new ClipQueryKeyWeights(vector(n.layerNorm1Weight()), vector(n.layerNorm1Bias()), matrix(n.qWeight()),
                vector(n.qBias()), matrix(n.kWeight()), vector(n.kBias()));
    }

    private ClipLayerWeights visionLayer(TensorNames.ClipLayer n) {
        return new ClipLayerWeights(
                vector(n.layerNorm1Weight()), vector(n.layerNorm1Bias()),
                linear(n.qWeight()), vector(n.qBias()),
                linear(n.kWeight()), vector(n.kBias()),
                linear(n.vWeight()), vector(n.vBias()),
                linear(n.outWeight()), vector(n.outBias()),
                vector(n.layerNorm2Weight()), vector(n.layerNorm2Bias()),
                linear(n.fc1Weight()), vector(n.fc1Bias()),
                linear(n.fc2Weight()), vector(n.fc2Bias()));
    }

    private ProjectorWeights projector() {
        boolean bias = config.multimodalProjectorBias();
        return new ProjectorWeights(
                linear(TensorNames.PROJECTOR_1_WEIGHT), bias ? vector(TensorNames.PROJECTOR_1_BIAS) : null,
                linear(TensorNames.PROJECTOR_2_WEIGHT), bias ? vector(TensorNames.PROJECTOR_2_BIAS) : null);
    }

    private LlamaWeights text() {
        List<LlamaLayerWeights> layers = new ArrayList<>();
        for (int i = 0; i < config.text().numHiddenLayers(); i++) {
            TensorNames.LlamaLayer n = TensorNames.LlamaLayer.of(i);
            layers.add(new LlamaLayerWeights(vector(n.inputNorm()),
                    linear(n.q()), linear(n.k()), linear(n.v()), linear(n.o()),
                    vector(n.postAttentionNorm()),
                    linear(n.gate()), linear(n.up()), linear(n.down())));
        }
        WeightMatrix embed = matrix(TensorNames.EMBED_TOKENS);
        // Tied embeddings share one matrix even when a checkpoint also stores a copy of the head.
        WeightMatrix head = config.text().tieWordEmbeddings() ? embed : linear(TensorNames.LM_HEAD);
        return new LlamaWeights(embed, List.copyOf(layers), vector(TensorNames.FINAL_NORM), head);
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
