package vtc.engine.vision;

/**
 * Receives the residual stream of the vision tower as it is computed: {@code hidden[0]} is the
 * pre-layernorm output and {@code hidden[i + 1]} the output of encoder layer i. Row 0 is [CLS],
 * rows 1..N the patches. Used by tests and analysis; the array is only valid during the call.
 */
@FunctionalInterface
public interface VisionHiddenStateListener {

    void hiddenState(int index, float[] hidden, int rows, int cols);
}
