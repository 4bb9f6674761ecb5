package vtc.loaders.image;

import java.nio.file.Path;

/**
 * The {@code ALPH} chunk of a lossy WebP image: its alpha plane, which VP8 cannot carry (WebP
 * container specification, "Alpha"). One header byte — compression (0 raw, 1 a headerless VP8L
 * image stream whose green channel holds the values), a spatial filter, a pre-processing hint and
 * two reserved bits that must be 0 — then the data. The filter predicts each value from its
 * neighbours and the plane stores the differences modulo 256:
 *
 * <ul>
 *   <li>1, horizontal: from the value to the left (the first column from the value above);</li>
 *   <li>2, vertical: from the value above (the first row from the value to the left);</li>
 *   <li>3, gradient: {@code left + above - above-left}, clamped to 0..255 (the first row and column
 *       as for the horizontal and vertical filters).</li>
 * </ul>
 *
 * The top-left value is predicted as 0. Pillow's {@code convert("RGB")} drops alpha, so the decoded
 * plane does not change the RGB pixels; it is decoded anyway because libwebp refuses a file whose
 * alpha chunk is damaged, and so must this decoder.
 */
final class WebpAlpha {

    private WebpAlpha() {
    }

    /** Decodes the alpha chunk at {@code data[start, start + length)} of a {@code width × height} image. */
    static byte[] decode(Path file, byte[] data, int start, int length, int width, int height) {
        if (length <= 1) {
            throw corrupt(file, "the chunk is empty");
        }
        int header = data[start] & 0xFF;
        int compression = header & 3;
        int filter = (header >> 2) & 3;
        int preprocessing = (header >> 4) & 3;
        int reserved = header >> 6;
        if (compression > 1 || preprocessing > 1 || reserved != 0) {
            throw corrupt(file, "unknown compression, pre-processing or reserved bits in header byte 0x"
                    + Integer.toHexString(header));
        }
        int size = width * height; // the caller checked width × height against the pixel bound
        byte[] plane = new byte[size];
        if (compression == 0) {
            if (length - 1 < size) {
                throw corrupt(file, "raw alpha of " + (length - 1) + " bytes for " + size + " pixels");
            }
            System.arraycopy(data, start + 1, plane, 0, size);
        } else {
            int[] argb = WebpLossless.decodeImageStream(file, data, start + 1, length - 1, width, height);
            for (int i = 0; i < size; i++) {
                plane[i] = (byte) (argb[i] >> 8); // green
            }
        }
        unfilter(plane, width, height, filter);
        return plane;
    }

    private static void unfilter(byte[] a, int width, int height, int filter) {
        if (filter == 0) {
            return;
        }
        // first row: from the left (the top-left from 0)
        for (int x = 1; x < width; x++) {
            a[x] += a[x - 1];
        }
        for (int y = 1; y < height; y++) {
            int row = y * width;
            int above = row - width;
            switch (filter) {
                case 1 -> {
                    a[row] += a[above];
                    for (int x = 1; x < width; x++) {
                        a[row + x] += a[row + x - 1];
                    }
                }
                case 2 -> {
                    for (int x = 0; x < width; x++) {
                        a[row + x] += a[above + x];
                    }
                }
                default -> {
                    a[row] += a[above];
                    for (int x = 1; x < width; x++) {
                        int left = a[row + x - 1] & 0xFF;
                        int up = a[above + x] & 0xFF;
                        int corner = a[above + x - 1] & 0xFF;
                        a[row + x] += (byte) Vp8IntraPrediction.clamp255(left + up - corner);
                    }
                }
            }
        }
    }

    private static ImageFileException corrupt(Path file, String what) {
        return new ImageFileException(file, "corrupt WebP alpha chunk: " + what);
    }
}
