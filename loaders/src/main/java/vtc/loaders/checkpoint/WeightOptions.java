package vtc.loaders.checkpoint;

import java.util.Objects;
import vtc.loaders.safetensors.WeightStorage;

/**
 * How a checkpoint's weights are held while the model runs.
 *
 * @param storage   in process-owned memory (default) or memory-mapped from the files
 * @param precision as stored (default) or quantized to Q8_0 at load; quantized weights are always
 *                  in owned memory, whatever {@code storage} says, and the files are closed after load
 */
public record WeightOptions(WeightStorage storage, WeightPrecision precision) {

    /** Weights as stored, copied into memory the process owns. */
    public static final WeightOptions DEFAULT = new WeightOptions(WeightStorage.IN_MEMORY, WeightPrecision.AS_STORED);

    public WeightOptions {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(precision, "precision");
    }

    public WeightOptions withStorage(WeightStorage s) {
        return new WeightOptions(s, precision);
    }

    public WeightOptions withPrecision(WeightPrecision p) {
        return new WeightOptions(storage, p);
    }
}
