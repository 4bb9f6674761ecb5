package vtc.loaders.safetensors;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor of a safetensors file as its header describes it.
 *
 * @param dtype      the dtype name exactly as stored ({@code "BF16"}, {@code "I8"}, …)
 * @param file       the file that holds the bytes
 * @param fileOffset absolute byte offset of the first element in {@code file}
 * @param byteSize   number of bytes the tensor occupies
 */
public record TensorInfo(String name, String dtype, long[] shape, Path file, long fileOffset, long byteSize) {

    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Product of the dimensions (1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** The shape as {@code [a, b, c]}. */
    public String shapeText() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype.equals(t.dtype)
                && Arrays.equals(shape, t.shape) && Objects.equals(file, t.file)
                && fileOffset == t.fileOffset && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), file, fileOffset, byteSize);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + shapeText() + " (" + byteSize + " bytes in " + file + ")";
    }
}
