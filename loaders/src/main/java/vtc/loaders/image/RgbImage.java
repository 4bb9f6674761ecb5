package vtc.loaders.image;

/**
 * An 8-bit RGB image, the form every decoded file is brought to (like Pillow's {@code convert("RGB")}).
 *
 * @param width  columns
 * @param height rows
 * @param rgb    {@code height × width × 3} bytes, row-major, channels R, G, B interleaved (unsigned)
 */
public record RgbImage(int width, int height, byte[] rgb) {

    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException(
                    "rgb holds " + rgb.length + " bytes, a " + width + "x" + height + " RGB image needs " + 3L * width * height);
        }
    }

    /** An image of one colour; channel values 0..255. */
    public static RgbImage filled(int width, int height, int red, int green, int blue) {
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) red;
            rgb[i + 1] = (byte) green;
            rgb[i + 2] = (byte) blue;
        }
        return new RgbImage(width, height, rgb);
    }

    /** Channel {@code c} (0 = R, 1 = G, 2 = B) of pixel (x, y) as 0..255. */
    public int sample(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }

    /** The {@code w × h} region whose top-left corner is (left, top). */
    public RgbImage region(int left, int top, int w, int h) {
        if (left < 0 || top < 0 || w <= 0 || h <= 0 || left + w > width || top + h > height) {
            throw new IllegalArgumentException("region " + w + "x" + h + " at (" + left + ", " + top
                    + ") is not inside a " + width + "x" + height + " image");
        }
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(rgb, ((top + y) * width + left) * 3, out, y * w * 3, w * 3);
        }
        return new RgbImage(w, h, out);
    }

    /** A copy of this image with {@code other} pasted at (left, top); {@code other} must fit inside. */
    public RgbImage paste(RgbImage other, int left, int top) {
        if (left < 0 || top < 0 || left + other.width > width || top + other.height > height) {
            throw new IllegalArgumentException("a " + other.width + "x" + other.height + " image at (" + left + ", "
                    + top + ") does not fit in " + width + "x" + height);
        }
        byte[] out = rgb.clone();
        for (int y = 0; y < other.height; y++) {
            System.arraycopy(other.rgb, y * other.width * 3, out, ((top + y) * width + left) * 3, other.width * 3);
        }
        return new RgbImage(width, height, out);
    }
}
