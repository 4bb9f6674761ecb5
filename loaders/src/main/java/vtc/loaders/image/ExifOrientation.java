package vtc.loaders.image;

/**
 * The EXIF orientation tag and the transposition that undoes it, as Pillow's
 * {@code ImageOps.exif_transpose} applies it (transformers' {@code load_image} calls it; the
 * original LLaVA does not, and neither does this engine unless asked).
 *
 * <pre>
 * tag  stored image is …            transposition (Pillow's name)
 *  1   upright                      none
 *  2   mirrored                     FLIP_LEFT_RIGHT
 *  3   upside down                  ROTATE_180
 *  4   mirrored upside down         FLIP_TOP_BOTTOM
 *  5   mirrored, turned             TRANSPOSE
 *  6   turned left (phone portrait) ROTATE_270 (90° clockwise)
 *  7   mirrored, turned             TRANSVERSE
 *  8   turned right                 ROTATE_90 (90° counter-clockwise)
 * </pre>
 */
public final class ExifOrientation {

    private static final int ORIENTATION_TAG = 0x0112;

    private ExifOrientation() {
    }

    /**
     * The orientation in a TIFF structure (the body of an EXIF segment after {@code Exif\0\0}),
     * starting at {@code start}; 0 when it is absent, out of range or the structure is malformed.
     */
    static int fromTiff(byte[] b, int start) {
        if (b.length < start + 8) {
            return 0;
        }
        boolean little;
        if (b[start] == 'I' && b[start + 1] == 'I') {
            little = true;
        } else if (b[start] == 'M' && b[start + 1] == 'M') {
            little = false;
        } else {
            return 0;
        }
        long ifd = start + (u32(b, start + 4, little));
        if (ifd < start || ifd + 2 > b.length) {
            return 0;
        }
        int entries = u16(b, (int) ifd, little);
        for (int e = 0; e < entries; e++) {
            int at = (int) ifd + 2 + 12 * e;
            if (at + 12 > b.length) {
                return 0;
            }
            if (u16(b, at, little) == ORIENTATION_TAG) {
                int type = u16(b, at + 2, little);
                int value = type == 3 ? u16(b, at + 8, little) : type == 4 ? (int) u32(b, at + 8, little) : 0;
                return value >= 1 && value <= 8 ? value : 0;
            }
        }
        return 0;
    }

    private static int u16(byte[] b, int at, boolean little) {
        int lo = b[at] & 0xFF;
        int hi = b[at + 1] & 0xFF;
        return little ? lo | hi << 8 : hi | lo << 8;
    }

    private static long u32(byte[] b, int at, boolean little) {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            int byteValue = b[at + (little ? 3 - i : i)] & 0xFF;
            v = v << 8 | byteValue;
        }
        return v;
    }

    /** The image turned upright for {@code orientation} (1–8; 0 or 1 returns it unchanged). */
    public static RgbImage apply(RgbImage image, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return image;
        }
        int w = image.width();
        int h = image.height();
        boolean swaps = orientation >= 5;
        int ow = swaps ? h : w;
        int oh = swaps ? w : h;
        byte[] in = image.rgb();
        byte[] out = new byte[in.length];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                // (sx, sy): the stored pixel that lands at (x, y)
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; } // 8
                }
                System.arraycopy(in, (sy * w + sx) * 3, out, (y * ow + x) * 3, 3);
            }
        }
        return new RgbImage(ow, oh, out);
    }
}
