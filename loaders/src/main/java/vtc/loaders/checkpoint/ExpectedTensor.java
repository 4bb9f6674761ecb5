package vtc.loaders.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor a checkpoint must (or may) contain for a given config, in the llava-hf naming.
 *
 * @param required false for tensors the engine never reads (ViT layers after the feature layer,
 *                 {@code post_layernorm}, a tied {@code lm_head}); they are checked only if present
 */
public record ExpectedTensor(String name, long[] shape, boolean required) {

    public ExpectedTensor {
        Objects.requireNonNull(name, "name");
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Rows when viewed as a matrix: the first dimension. */
    int rows() {
        return Math.toIntExact(shape[0]);
    }

    /** Columns when viewed as a matrix: the product of the remaining dimensions. */
    int cols() {
        long cols = 1;
        for (int i = 1; i < shape.length; i++) {
            cols *= shape[i];
        }
        return Math.toIntExact(cols);
    }

    boolean hasShape(long[] actual) {
        return Arrays.equals(shape, actual);
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExpectedTensor t && name.equals(t.name) && Arrays.equals(shape, t.shape)
                && required == t.required;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), required);
    }

    @Override
    public String toString() {
        return name + " " + shapeText() + (required ? "" : " (optional)");
    }
}
