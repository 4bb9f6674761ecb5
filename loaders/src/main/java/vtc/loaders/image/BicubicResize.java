package vtc.loaders.image;

/**
 * Pillow's {@code Image.resize(size, BICUBIC)} on 8-bit RGB, bit for bit: separable, the horizontal pass first
 * (only when the width changes) into an 8-bit intermediate, then the vertical pass (only when the height changes).
 * Each output channel is {@code clamp((2^21 + Σ weight · pixel) >> 22, 0, 255)} with the fixed-point weights of
 * {@link BicubicWeights}; the 2^21 makes the shift round to nearest.
 */
public final class BicubicResize {

    private static final int HALF = 1 << (BicubicWeights.PRECISION_BITS - 1);

    private BicubicResize() {
    }

    /** The image resampled to {@code width × height}; the image itself when the size does not change. */
    public static RgbImage resize(RgbImage image, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        }
        RgbImage out = image;
        if (width != out.width()) {
            out = horizontal(out, width);
        }
        if (height != out.height()) {
            out = vertical(out, height);
        }
        return out;
    }

    private static RgbImage horizontal(RgbImage in, int width) {
        BicubicWeights k = BicubicWeights.of(in.width(), width);
        byte[] src = in.rgb();
        byte[] dst = new byte[width * in.height() * 3];
        for (int y = 0; y < in.height(); y++) {
            int rowIn = y * in.width() * 3;
            int rowOut = y * width * 3;
            for (int x = 0; x < width; x++) {
                int base = k.stride * x;
                int start = rowIn + k.first[x] * 3;
                for (int c = 0; c < 3; c++) {
                    int acc = HALF;
                    for (int t = 0; t < k.taps[x]; t++) {
                        acc += k.weights[base + t] * (src[start + t * 3 + c] & 0xFF);
                    }
                    dst[rowOut + x * 3 + c] = clip8(acc);
                }
            }
        }
        return new RgbImage(width, in.height(), dst);
    }

    private static RgbImage vertical(RgbImage in, int height) {
        BicubicWeights k = BicubicWeights.of(in.height(), height);
        byte[] src = in.rgb();
        int rowBytes = in.width() * 3;
        byte[] dst = new byte[height * rowBytes];
        for (int y = 0; y < height; y++) {
            int base = k.stride * y;
            int start = k.first[y] * rowBytes;
            for (int i = 0; i < rowBytes; i++) {
                int acc = HALF;
                for (int t = 0; t < k.taps[y]; t++) {
                    acc += k.weights[base + t] * (src[start + t * rowBytes + i] & 0xFF);
                }
                dst[y * rowBytes + i] = clip8(acc);
            }
        }
        return new RgbImage(in.width(), height, dst);
    }

    /** Drops the fraction (arithmetic shift, as Pillow) and clamps to 0..255. */
    private static byte clip8(int acc) {
        int v = acc >> BicubicWeights.PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}
