package vtc.loaders.checkpoint;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import vtc.engine.llava.LlavaConfig;
import vtc.engine.llava.LlavaWeights;
import vtc.loaders.config.LlavaConfigLoader;
import vtc.loaders.safetensors.TensorInfo;
import vtc.loaders.safetensors.WeightStorage;

/**
 * A LLaVA model directory opened for inference: its {@code config.json} parsed with the Hugging
 * Face defaults, and its safetensors weights (one file or shards) loaded as {@link WeightOptions}
 * say and bound to the engine's records after every tensor was checked against the config. By
 * default the weights are views into a copy of the files in memory the process owns; they are
 * valid until {@link #close()}.
 */
public final class LlavaCheckpoint implements AutoCloseable {

    private final Path directory;
    private final LlavaConfig config;
    /** The loaded files, or null once they were closed after quantizing. */
    private final CheckpointTensors tensors;
    private final List<TensorInfo> inventory;
    /** Quantized and copied matrices (Q8_0 only). */
    private final Arena owned;
    private final LlavaWeights weights;

    private LlavaCheckpoint(Path directory, LlavaConfig config, CheckpointTensors tensors, List<TensorInfo> inventory,
                            Arena owned, LlavaWeights weights) {
        this.directory = directory;
        this.config = config;
        this.tensors = tensors;
        this.inventory = inventory;
        this.owned = owned;
        this.weights = weights;
    }

    /**
     * Opens {@code modelDir}. Throws a {@link vtc.loaders.LoadException} subclass naming the file
     * and field or tensor when anything is missing, malformed or inconsistent with the config.
     */
    public static LlavaCheckpoint open(Path modelDir) {
        return open(modelDir, WeightOptions.DEFAULT);
    }

    /**
     * Opens {@code modelDir} with the given weight options. For {@link WeightPrecision#Q8_0} the
     * files are mapped only while quantizing and closed before this returns.
     */
    public static LlavaCheckpoint open(Path modelDir, WeightOptions options) {
        ModelDirectory dir = ModelDirectory.of(modelDir);
        LlavaConfig config = LlavaConfigLoader.load(modelDir.resolve(LlavaConfigLoader.FILE_NAME));
        boolean quantize = options.precision() == WeightPrecision.Q8_0;
        CheckpointTensors tensors = CheckpointTensors.open(dir, quantize ? WeightStorage.MAPPED : options.storage());
        Arena owned = quantize ? Arena.ofShared() : null;
        try {
            LlavaWeights weights = LlavaWeightsBinder.bind(modelDir, config, tensors, options.precision(), owned);
            if (quantize) {
                tensors.close();
                return new LlavaCheckpoint(modelDir, config, null, tensors.inventory(), owned, weights);
            }
            return new LlavaCheckpoint(modelDir, config, tensors, tensors.inventory(), null, weights);
        } catch (RuntimeException e) {
            tensors.close();
            if (owned != null) {
                owned.close();
            }
            throw e;
        }
    }

    public Path directory() {
        return directory;
    }

    public LlavaConfig config() {
        return config;
    }

    public LlavaWeights weights() {
        return weights;
    }

    /** Every tensor stored in the checkpoint (name, dtype, shape, file, byte size), used or not. */
    public List<TensorInfo> tensors() {
        return inventory;
    }

    /**
     * Refuses with a {@link vtc.loaders.safetensors.SafetensorsException} naming the file if a
     * memory-mapped weight file changed (size or modification time) since load: reading it could
     * crash the JVM or change answers. Weights in owned memory (the default) always pass.
     */
    public void checkUnchanged() {
        if (tensors != null) {
            tensors.checkUnchanged();
        }
    }

    /** Frees (or unmaps) every weight; the weights must not be used afterwards. */
    @Override
    public void close() {
        if (tensors != null) {
            tensors.close();
        }
        if (owned != null) {
            owned.close();
        }
    }
}
