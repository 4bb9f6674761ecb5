package vtc.loaders.image;

import java.nio.file.Path;

/**
 * The QM-coder's decoder (ITU T.81 Annex D): turns the bytes of one entropy-coded segment back
 * into binary decisions, each decoded against an adaptive probability estimate.
 *
 * <p>The coder keeps an interval: register A holds its size (kept in [0x8000, 0x10000) by
 * renormalising, i.e. doubling) and register C the code value's offset inside it. Each decision
 * splits the interval into the less probable symbol's part, of size Qe at the top, and the more
 * probable symbol's part, A − Qe, below it; which part C falls into is the decoded symbol. When
 * the interval shrinks below half its range, both registers double and a new code bit enters C.
 *
 * <p>A probability estimate ("statistics bin", one byte each) is an index into the standard's
 * state table (the Qe table of Annex D) in its low seven bits and the current sense of the more
 * probable symbol (MPS) in bit 7. After each renormalisation the index moves along the table: to
 * a smaller Qe after an MPS, to a larger one after an LPS, and some states swap the MPS sense on
 * an LPS.
 *
 * <p>Like libjpeg, C here is a single register that holds the interval base in its upper part and
 * the bits not yet used in its low {@code ct} bits, so a decision needs one variable shift instead
 * of the standard's fixed layout of a 16-bit Cx beside an 8-bit C-low (Section D.2.3).
 *
 * <p>Input (Byte_in, Figure D.20): bytes of the segment, with a 0x00 after 0xFF removed
 * (byte stuffing). Reaching a marker is normal for this coder: it reads ahead, so from the marker
 * on it is fed zero bytes, and the marker is left for the caller ({@link #pendingMarker}).
 */
final class QmDecoder {

    /**
     * Qe for each state of the standard's probability estimation table. Entry 113, not in the
     * standard, is libjpeg's fixed estimate of one half (it never adapts), used for signs.
     */
    private static final int[] QE = {
        0x5a1d, 0x2586, 0x1114, 0x080b, 0x03d8, 0x01da, 0x00e5, 0x006f, 0x0036, 0x001a,
        0x000d, 0x0006, 0x0003, 0x0001, 0x5a7f, 0x3f25, 0x2cf2, 0x207c, 0x17b9, 0x1182,
        0x0cef, 0x09a1, 0x072f, 0x055c, 0x0406, 0x0303, 0x0240, 0x01b1, 0x0144, 0x00f5,
        0x00b7, 0x008a, 0x0068, 0x004e, 0x003b, 0x002c, 0x5ae1, 0x484c, 0x3a0d, 0x2ef1,
        0x261f, 0x1f33, 0x19a8, 0x1518, 0x1177, 0x0e74, 0x0bfb, 0x09f8, 0x0861, 0x0706,
        0x05cd, 0x04de, 0x040f, 0x0363, 0x02d4, 0x025c, 0x01f8, 0x01a4, 0x0160, 0x0125,
        0x00f6, 0x00cb, 0x00ab, 0x008f, 0x5b12, 0x4d04, 0x412c, 0x37d8, 0x2fe8, 0x293c,
        0x2379, 0x1edf, 0x1aa9, 0x174e, 0x1424, 0x119c, 0x0f6b, 0x0d51, 0x0bb6, 0x0a40,
        0x5832, 0x4d1c, 0x438e, 0x3bdd, 0x34ee, 0x2eae, 0x299a, 0x2516, 0x5570, 0x4ca9,
        0x44d9, 0x3e22, 0x3824, 0x32b4, 0x2e17, 0x56a8, 0x4f46, 0x47e5, 0x41cf, 0x3c3d,
        0x375e, 0x5231, 0x4c0f, 0x4639, 0x415e, 0x5627, 0x50e7, 0x4b85, 0x5597, 0x504f,
        0x5a10, 0x5522, 0x59eb, 0x5a1d,
    };
    /** The next state after a less probable symbol. */
    private static final int[] NEXT_LPS = {
        1, 14, 16, 18, 20, 23, 25, 28, 30, 33, 35, 9, 10, 12, 15, 36, 38, 39, 40, 42,
        43, 45, 46, 48, 49, 51, 52, 54, 56, 57, 59, 60, 62, 63, 32, 33, 37, 64, 65, 67,
        68, 69, 70, 72, 73, 74, 75, 77, 78, 79, 48, 50, 50, 51, 52, 53, 54, 55, 56, 57,
        58, 59, 61, 61, 65, 80, 81, 82, 83, 84, 86, 87, 87, 72, 72, 74, 74, 75, 77, 77,
        80, 88, 89, 90, 91, 92, 93, 86, 88, 95, 96, 97, 99, 99, 93, 95, 101, 102, 103, 104,
        99, 105, 106, 107, 103, 105, 108, 109, 110, 111, 110, 112, 112, 113,
    };
    /** The next state after a more probable symbol. */
    private static final int[] NEXT_MPS = {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 13, 15, 16, 17, 18, 19, 20,
        21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 9, 37, 38, 39, 40,
        41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60,
        61, 62, 63, 32, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 48,
        81, 82, 83, 84, 85, 86, 87, 71, 89, 90, 91, 92, 93, 94, 86, 96, 97, 98, 99, 100,
        93, 102, 103, 104, 99, 106, 107, 103, 109, 107, 111, 109, 111, 113,
    };
    /** The states whose MPS sense flips on a less probable symbol. */
    private static final boolean[] SWITCH_MPS = new boolean[QE.length];

    static {
        for (int state : new int[] {0, 14, 36, 64, 80, 88, 95, 105, 110, 112}) {
            SWITCH_MPS[state] = true;
        }
    }

    /** The statistics bin of the fixed one-half estimate (used for signs and refinement bits). */
    static final byte FIXED_HALF = 113;

    private final byte[] data;
    private final Path file;
    /** The bytes the reference has in hand while it decodes this segment (see {@link ArithmeticJpeg#PILLOW_READ}). */
    private final int readable;
    private int position;
    /** A marker reached inside the segment (its second byte), or 0. */
    private int pendingMarker;

    private long c;
    private long a;
    /** Unused code bits in the low end of C; −16 before the first two bytes are in. */
    private int ct;

    /**
     * A decoder reading {@code data} from {@code position}, which must be the start of a segment,
     * and refusing to read at or past {@code readable}.
     */
    QmDecoder(byte[] data, int position, int readable, Path file) {
        this.data = data;
        this.position = position;
        this.readable = readable;
        this.file = file;
        restart();
    }

    /** Starts a new entropy-coded segment (after a scan header or a restart marker). */
    void restart() {
        c = 0;
        a = 0;
        ct = -16;
    }

    /** Where the next unread byte is. */
    int position() {
        return position;
    }

    /** Moves past a marker the caller consumed. */
    void resume(int newPosition) {
        position = newPosition;
        pendingMarker = 0;
    }

    /** The marker the decoder ran into (0xD0–0xFE), or 0 when it has not reached one. */
    int pendingMarker() {
        return pendingMarker;
    }

    /**
     * Decodes one binary decision with the estimate in {@code bins[bin]}, updating that estimate.
     *
     * @return 0 or 1
     */
    int decode(byte[] bins, int bin) {
        // Renormalisation (Renorm_d, Section D.2.6): double A until it is at least half the range
        // again, bringing in a byte whenever the bits buffered in C run out.
        while (a < 0x8000) {
            if (--ct < 0) {
                c = (c << 8) | nextByte();
                ct += 8;
                if (ct < 0 && ++ct == 0) {
                    // Initdec (D.2.7): two bytes are in; the interval starts full (0x10000 after the shift).
                    a = 0x8000;
                }
            }
            a <<= 1;
        }
        int sv = bins[bin] & 0xFF;
        int state = sv & 0x7F;
        int qe = QE[state];
        int mps = sv >> 7;
        // Section D.2.4: the MPS part is the lower A − Qe of the interval, the LPS part the top Qe.
        long lower = a - qe;
        a = lower;
        long split = lower << ct;
        if (c >= split) {
            // C lies in the top Qe: the LPS, unless the "conditional exchange" applies — when the
            // LPS part is the larger of the two, the coder gave it to the MPS (Section D.2.1).
            c -= split;
            boolean lpsPartIsLarger = a < qe;
            a = qe;
            if (lpsPartIsLarger) {
                bins[bin] = (byte) ((mps << 7) | NEXT_MPS[state]);
                return mps;
            }
            bins[bin] = (byte) (((SWITCH_MPS[state] ? 1 - mps : mps) << 7) | NEXT_LPS[state]);
            return 1 - mps;
        }
        if (a < 0x8000) {
            // C lies in the lower part and the interval needs renormalising, which is when the
            // estimate moves; with the exchange, a smaller lower part belonged to the LPS.
            if (a < qe) {
                bins[bin] = (byte) (((SWITCH_MPS[state] ? 1 - mps : mps) << 7) | NEXT_LPS[state]);
                return 1 - mps;
            }
            bins[bin] = (byte) ((mps << 7) | NEXT_MPS[state]);
        }
        return mps;
    }

    /** The next code byte: stuffed zeros removed, zeros once a marker is reached. */
    private int nextByte() {
        if (pendingMarker != 0) {
            return 0;
        }
        int b = read();
        if (b != 0xFF) {
            return b;
        }
        int next;
        do {
            next = read();
        } while (next == 0xFF); // fill bytes before a marker
        if (next == 0) {
            return 0xFF; // a stuffed zero: the 0xFF was data
        }
        pendingMarker = next;
        position -= 2; // leave the marker in place for the caller
        return 0;
    }

    private int read() {
        if (position >= data.length) {
            throw ArithmeticJpeg.truncated(file);
        }
        if (position >= readable) {
            throw ArithmeticJpeg.pastPillowsRead(file, readable);
        }
        return data[position++] & 0xFF;
    }
}
