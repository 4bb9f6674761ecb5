package vtc.engine.llava;

import java.util.Objects;
import vtc.engine.kernels.Activations;
import vtc.engine.kernels.MatMul;
import vtc.engine.kernels.Parallel;
import vtc.engine.tensor.WeightPrefetch;

/** LLaVA's projector (docs/semantics.md, "Projector and prompt"): {@code linear_2(gelu(linear_1(x)))} with the exact erf GELU. */
public final class MultiModalProjector {

    private final ProjectorWeights weights;
    private final Parallel parallel;

    public MultiModalProjector(ProjectorWeights weights, Parallel parallel) {
        this.weights = Objects.requireNonNull(weights, "weights");
        this.parallel = Objects.requireNonNull(parallel, "parallel");
        if (weights.linear2().cols() != weights.linear1().rows()) {
            throw new IllegalArgumentException("projector linear_2 takes " + weights.linear2().cols()
                    + " inputs but linear_1 gives " + weights.linear1().rows());
        }
    }

    /** Width of a visual feature row. */
    public int inputSize() {
        return weights.linear1().cols();
    }

    /** Width of a projected token: the decoder's hidden size. */
    public int outputSize() {
        return weights.linear2().rows();
    }

    /** Projects the first {@code rows} feature rows into {@code [rows, outputSize]} decoder embeddings. */
    /** Starts reading the projector's mapped weights from disk in the background ({@link WeightPrefetch}). */
    public void prefetch() {
        WeightPrefetch.request(weights.linear1());
        WeightPrefetch.request(weights.linear2());
    }

    public float[] project(float[] features, int rows) {
        float[] hidden = new float[rows * weights.linear1().rows()];
        MatMul.matmul(parallel, features, 0, rows, weights.linear1(), weights.bias1(), hidden, 0);
        Activations.gelu(hidden, 0, hidden.length);
        float[] out = new float[rows * outputSize()];
        MatMul.matmul(parallel, hidden, 0, rows, weights.linear2(), weights.bias2(), out, 0);
        return out;
    }
}
