package vtc.loaders.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * How far the scans of a progressive JPEG have refined each coefficient, and what libjpeg-turbo
 * does when they stop short.
 *
 * <p>A progressive file sends each component's coefficients in bands of zigzag positions
 * (spectral selection) and, optionally, bit by bit from the most significant (successive
 * approximation): a first scan of a band at bit Al, then refinements each one bit lower, down to
 * 0. The state kept here is, per component and zigzag position, the bit the last scan reached
 * (−1 before any), which is what libjpeg checks each scan against.
 *
 * <p>When, after the last scan, some of a component's first nine AC coefficients are still
 * missing or not exact, libjpeg-turbo "smooths blocks": it estimates them from the DC values of
 * the neighbouring blocks before the inverse DCT (over a 5×5 neighbourhood since libjpeg-turbo
 * 2.1, so libjpeg 6b inside the JDK estimates differently). A complete progressive file — any
 * standard encoder's — leaves nothing to estimate; a file whose scans stop early does. The
 * arithmetic decoder, which has the coefficients, estimates them as libjpeg-turbo does
 * ({@link JpegBlockSmoothing}); Huffman-coded files, whose coefficients stay inside the JDK's
 * decoder, are refused ({@link #smoothedByTheReference}) rather than decoded to pixels that
 * differ from the reference's.
 */
final class JpegProgression {

    /** Zigzag positions 0–9: the DC and the nine AC coefficients the smoothing estimates. */
    private static final int SMOOTHED = 10;

    private final int[][] bits;
    private final int[][] quant;

    JpegProgression(int components) {
        bits = new int[components][64];
        quant = new int[components][];
        for (int[] b : bits) {
            Arrays.fill(b, -1);
        }
    }

    /**
     * Records a scan of the given components (frame indices) over zigzag positions Ss…Se with
     * bits Ah (previous pass, 0 for a first one) and Al; {@code table} gives each frame
     * component's quantization table as currently defined, latched at its first scan.
     *
     * @return null, or what is out of order (libjpeg's warning: an AC band before the DC, or a
     *         refinement that does not continue from the bit the previous pass reached)
     */
    String scan(int[] components, int ss, int se, int ah, int al, int[][] table) {
        String outOfOrder = null;
        for (int c : components) {
            if (quant[c] == null) {
                quant[c] = table[c];
            }
            int[] b = bits[c];
            if (ss > 0 && b[0] < 0) {
                outOfOrder = "a progressive AC scan before the component's DC scan";
            }
            for (int k = ss; k <= se; k++) {
                if (ah != Math.max(b[k], 0)) {
                    outOfOrder = "a progressive scan out of order (coefficient " + k + ")";
                }
                b[k] = al;
            }
        }
        return outOfOrder;
    }

    /** Component {@code c}'s state by zigzag position: the bit its last scan reached, −1 before any. */
    int[] bits(int c) {
        return bits[c];
    }

    /**
     * Whether libjpeg-turbo would smooth blocks after these scans: every component was in a scan
     * (its table latched, none of the quantizers of zigzag 0–9 zero), its DC is known, and some
     * component's AC 1–9 is not exact.
     */
    boolean smoothedByTheReference() {
        boolean incomplete = false;
        for (int c = 0; c < bits.length; c++) {
            if (quant[c] == null || bits[c][0] < 0) {
                return false;
            }
            for (int k = 0; k < SMOOTHED; k++) {
                if (quant[c][ArithmeticJpeg.NATURAL_ORDER[k]] == 0) {
                    return false;
                }
            }
            for (int k = 1; k < SMOOTHED; k++) {
                incomplete |= bits[c][k] != 0;
            }
        }
        return incomplete;
    }

    /** The refusal of a Huffman-coded file the reference would smooth. */
    static ImageFileException smoothingRefused(Path file) {
        return new ImageFileException(file, "progressive JPEG whose scans leave low-frequency coefficients"
                + " incomplete, which the reference's libjpeg-turbo estimates from neighbouring blocks (block"
                + " smoothing) differently from the JDK's decoder, so the image is not supported");
    }

    /**
     * The progression of a Huffman-coded progressive JPEG, from its scan headers alone: the
     * markers are read in order and each scan's entropy-coded data skipped (up to the next marker
     * that is not a restart). What cannot be read, and a file without its end-of-image marker, are
     * left to the decoder to report (an empty progression, which smooths nothing).
     */
    static JpegProgression ofFile(Path file) throws IOException {
        byte[] d = Files.readAllBytes(file);
        int[][] tables = new int[4][];
        int[] ids = null;
        int[] tableOf = null;
        JpegProgression progression = null;
        int p = 2;
        while (p + 1 < d.length) {
            if ((d[p] & 0xFF) != 0xFF || (d[p + 1] & 0xFF) == 0xFF) {
                p++;
                continue;
            }
            int marker = d[p + 1] & 0xFF;
            if (marker == 0xD9) {
                return progression != null ? progression : new JpegProgression(0);
            }
            if (marker == 0x01 || marker >= 0xD0 && marker <= 0xD8) {
                p += 2;
                continue;
            }
            if (p + 3 >= d.length) {
                break;
            }
            int length = ((d[p + 2] & 0xFF) << 8) | (d[p + 3] & 0xFF);
            int body = p + 4;
            int end = p + 2 + length;
            if (length < 2 || end > d.length) {
                break;
            }
            if (marker == 0xDB) {
                ArithmeticJpeg.readQuantTables(d, body, end, tables);
            } else if (marker == 0xC2 && length >= 8) {
                int n = d[body + 5] & 0xFF;
                if (end < body + 6 + 3 * n) {
                    break;
                }
                ids = new int[n];
                tableOf = new int[n];
                for (int c = 0; c < n; c++) {
                    ids[c] = d[body + 6 + 3 * c] & 0xFF;
                    tableOf[c] = (d[body + 8 + 3 * c] & 0xFF) & 3;
                }
                progression = new JpegProgression(n);
            } else if (marker == 0xDA && progression != null) {
                int n = d[body] & 0xFF;
                if (end < body + 4 + 2 * n) {
                    break;
                }
                int[] inScan = new int[n];
                for (int i = 0; i < n; i++) {
                    int id = d[body + 1 + 2 * i] & 0xFF;
                    inScan[i] = Math.max(0, indexOf(ids, id));
                }
                int q = body + 1 + 2 * n;
                int[][] current = new int[ids.length][];
                for (int c = 0; c < ids.length; c++) {
                    current[c] = tables[tableOf[c]] != null ? tables[tableOf[c]] : new int[64];
                }
                progression.scan(inScan, d[q] & 0xFF, Math.min(d[q + 1] & 0xFF, 63), (d[q + 2] & 0xFF) >> 4,
                        d[q + 2] & 0x0F, current);
                p = entropyCodedDataEnd(d, end);
                continue;
            }
            p = end;
        }
        return new JpegProgression(0); // no end of image: the decoder reports the truncation
    }

    private static int indexOf(int[] ids, int id) {
        for (int c = 0; c < ids.length; c++) {
            if (ids[c] == id) {
                return c;
            }
        }
        return -1;
    }

    /** Where the marker after entropy-coded data starting at {@code p} is: 0xFF not followed by 0x00 or RSTn. */
    private static int entropyCodedDataEnd(byte[] d, int p) {
        for (int q = p; q + 1 < d.length; q++) {
            if ((d[q] & 0xFF) == 0xFF) {
                int next = d[q + 1] & 0xFF;
                if (next != 0 && next != 0xFF && (next < 0xD0 || next > 0xD7)) {
                    return q;
                }
            }
        }
        return d.length;
    }
}
