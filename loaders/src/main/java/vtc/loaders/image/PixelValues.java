package vtc.loaders.image;

/**
 * The vision tower's input: a normalised S×S image as float32, channel-major.
 *
 * @param size S
 * @param chw  {@code [3, S, S]} flattened: index {@code (c * S + y) * S + x}
 */
public record PixelValues(int size, float[] chw) {

    public PixelValues {
        if (size <= 0 || chw.length != 3L * size * size) {
            throw new IllegalArgumentException("pixel values of side " + size + " need " + 3L * size * size
                    + " floats, got " + chw.length);
        }
    }
}
