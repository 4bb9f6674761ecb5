package vtc.loaders.checkpoint;

import java.nio.file.Path;
import java.util.List;
import vtc.engine.llava.LlavaConfig;
import vtc.engine.llava.LlavaWeights;
import vtc.loaders.config.LlavaConfigLoader;
import vtc.loaders.safetensors.TensorInfo;

/**
 * A LLaVA model directory opened for inference: its {@code config.json} parsed with the Hugging
 * Face defaults, and its safetensors weights (one file or shards) mapped and bound to the engine's
 * records after every tensor was checked against the config. The weights are views into the
 * mapping; they are valid until {@link #close()}.
 */
public final class LlavaCheckpoint implements AutoCloseable {

    private final Path directory;
    private final LlavaConfig config;
    private final CheckpointTensors tensors;
    private final LlavaWeights weights;

    private LlavaCheckpoint(Path directory, LlavaConfig config, CheckpointTensors tensors, LlavaWeights weights) {
        this.directory = directory;
        this.config = config;
        this.tensors = tensors;
        this.weights = weights;
    }

    /**
     * Opens {@code modelDir}. Throws a {@link vtc.loaders.LoadException} subclass naming the file
     * and field or tensor when anything is missing, malformed or inconsistent with the config.
     */
    public static LlavaCheckpoint open(Path modelDir) {
        ModelDirectory dir = ModelDirectory.of(modelDir);
        LlavaConfig config = LlavaConfigLoader.load(modelDir.resolve(LlavaConfigLoader.FILE_NAME));
        CheckpointTensors tensors = CheckpointTensors.open(dir);
        try {
            return new LlavaCheckpoint(modelDir, config, tensors, LlavaWeightsBinder.bind(modelDir, config, tensors));
        } catch (RuntimeException e) {
            tensors.close();
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
        return tensors.inventory();
    }

    /** Unmaps every weight file; the weights must not be used afterwards. */
    @Override
    public void close() {
        tensors.close();
    }
}
