package vtc.loaders.image;

import java.nio.file.Path;

/**
 * Decodes the quantized DCT coefficients of one arithmetic-coded scan (ITU T.81 Sections F.1.4
 * and F.2.4 for sequential scans, G.1.3 and G.2 for progressive ones) into the frame's
 * coefficient blocks, as libjpeg-turbo's decoder does, warnings included — which here are errors.
 *
 * <p>Every decision is decoded by the {@link QmDecoder} against a statistics bin chosen by
 * context ("conditioning"):
 * <ul>
 *   <li><b>DC</b> (Section F.1.4.4.1, 49 bins per table): the difference from the previous block's DC
 *       value is coded with bins chosen by the size of the previous difference — zero, small
 *       positive/negative or large positive/negative, by the bounds L and U of a DAC segment
 *       (default 0 and 1). Then: is it zero, its sign, its magnitude category (a unary run of
 *       "one more bit" decisions, bins X1…X15), and the bits below the leading one (bins M).</li>
 *   <li><b>AC</b> (Section F.1.4.4.2, 245 bins per table): for coefficient k in zigzag order, "end of
 *       block?" (SE), then "zero?" runs (S0) until a nonzero one, its sign (fixed one-half
 *       estimate), its magnitude category (bins whose set depends on whether k ≤ the DAC value
 *       Kx, default 5) and its bits.</li>
 *   <li><b>Successive approximation</b> refinements: DC refinement bits with the fixed
 *       estimate; AC refinement decides, per coefficient, "end of block?" only past the last
 *       coefficient already nonzero, a correction bit for those already nonzero and "newly
 *       nonzero?" plus sign for the others.</li>
 * </ul>
 * Statistics start from state 0 at each scan and restart interval.
 */
final class ArithmeticScan {

    /** Statistics bins per DC and AC table (T.81 needs 49 and 245; the rest stay unused). */
    private static final int DC_BINS = 64;
    private static final int AC_BINS = 256;
    /** The first bin of the magnitude categories: X1 for DC, X2 for AC at k ≤ Kx and above it. */
    private static final int DC_X1 = 20;
    private static final int AC_X2_LOW = 189;
    private static final int AC_X2_HIGH = 217;
    /** The largest magnitude category that fits: coefficients are 16-bit. */
    private static final int MAGNITUDE_LIMIT = 0x8000;

    /** Conditioning parameters from DAC segments, per table (libjpeg allows 16 tables). */
    static final class Conditioning {
        final int[] dcLower = new int[16];
        final int[] dcUpper = new int[16];
        final int[] acKx = new int[16];

        Conditioning() {
            java.util.Arrays.fill(dcUpper, 1);
            java.util.Arrays.fill(acKx, 5);
        }
    }

    /**
     * What a scan header (SOS) says: the components in the scan with their DC and AC table
     * numbers, the spectral band Ss…Se (zigzag positions) and the successive approximation bit
     * positions Ah (previous pass; 0 for a first pass) and Al (this pass).
     */
    record Header(ArithmeticJpeg.Component[] components, int[] dcTable, int[] acTable, int ss, int se, int ah,
                  int al) {
    }

    private final QmDecoder qm;
    private final ArithmeticJpeg.Component[] components;
    private final int[] dcTable;
    private final int[] acTable;
    private final int ss;
    private final int se;
    private final int ah;
    private final int al;
    private final boolean progressive;
    private final Conditioning conditioning;
    private final byte[] data;
    private final int readable;
    private final Path file;

    private final byte[][] dcStats = new byte[16][];
    private final byte[][] acStats = new byte[16][];
    private final byte[] fixedHalf = {QmDecoder.FIXED_HALF};
    private final int[] lastDc;
    private final int[] dcContext;

    /**
     * A scan whose entropy-coded data starts at {@code data[start]}, decoded from the bytes before
     * {@code readable} only (see {@link ArithmeticJpeg#PILLOW_READ}).
     */
    ArithmeticScan(byte[] data, int start, int readable, Path file, Header header, boolean progressive,
                   Conditioning conditioning) {
        this.data = data;
        this.readable = readable;
        this.file = file;
        this.qm = new QmDecoder(data, start, readable, file);
        this.components = header.components();
        this.dcTable = header.dcTable();
        this.acTable = header.acTable();
        this.ss = header.ss();
        this.se = header.se();
        this.ah = header.ah();
        this.al = header.al();
        this.progressive = progressive;
        this.conditioning = conditioning;
        this.lastDc = new int[components.length];
        this.dcContext = new int[components.length];
        for (int i = 0; i < components.length; i++) {
            if (codesDc()) {
                dcStats[dcTable[i]] = new byte[DC_BINS];
            }
            if (codesAc()) {
                acStats[acTable[i]] = new byte[AC_BINS];
            }
        }
    }

    private boolean codesDc() {
        return !progressive || (ss == 0 && ah == 0);
    }

    private boolean codesAc() {
        return !progressive || ss != 0;
    }

    /**
     * Decodes every MCU of the scan, with restart markers every {@code restartInterval} MCUs (0:
     * none), and returns where the scan's data ends: where the marker that follows must start.
     */
    int decode(int mcusWide, int mcusHigh, int restartInterval) {
        int nextRestart = 0;
        int toGo = restartInterval;
        boolean interleaved = components.length > 1;
        ArithmeticJpeg.Component only = components[0];
        int wide = interleaved ? mcusWide : only.blocksWithData(true);
        int high = interleaved ? mcusHigh : only.blocksWithData(false);
        for (int my = 0; my < high; my++) {
            for (int mx = 0; mx < wide; mx++) {
                if (restartInterval > 0) {
                    if (toGo == 0) {
                        restart(nextRestart);
                        nextRestart = (nextRestart + 1) & 7;
                        toGo = restartInterval;
                    }
                    toGo--;
                }
                if (!interleaved) {
                    decodeBlock(0, only.blockOffset(mx, my));
                    continue;
                }
                for (int i = 0; i < components.length; i++) {
                    ArithmeticJpeg.Component c = components[i];
                    for (int v = 0; v < c.v; v++) {
                        for (int h = 0; h < c.h; h++) {
                            decodeBlock(i, c.blockOffset(mx * c.h + h, my * c.v + v));
                        }
                    }
                }
            }
        }
        return qm.position();
    }

    /** One block's part of the scan; {@code at} is the index of its coefficient 0. */
    private void decodeBlock(int i, int at) {
        short[] coefficients = components[i].coefficients;
        if (!progressive) {
            coefficients[at] = (short) decodeDcDifference(i);
            decodeAcFirst(i, coefficients, at, 1, 63, 0);
        } else if (ss == 0 && ah == 0) {
            coefficients[at] = (short) (decodeDcDifference(i) << al);
        } else if (ss == 0) {
            if (qm.decode(fixedHalf, 0) != 0) {
                coefficients[at] |= (short) (1 << al);
            }
        } else if (ah == 0) {
            decodeAcFirst(i, coefficients, at, ss, se, al);
        } else {
            decodeAcRefinement(i, coefficients, at);
        }
    }

    /**
     * Figure F.19 (Decode_DC_DIFF) and Section F.1.4.4.1: the next DC difference, added to the
     * component's previous DC value (kept to 16 bits as libjpeg does); returns that value.
     */
    private int decodeDcDifference(int i) {
        int table = dcTable[i];
        byte[] stats = dcStats[table];
        int s0 = dcContext[i];
        if (qm.decode(stats, s0) == 0) {
            dcContext[i] = 0;
            return lastDc[i];
        }
        int sign = qm.decode(stats, s0 + 1);
        int bin = s0 + 2 + sign; // SP or SN
        int m = qm.decode(stats, bin);
        if (m != 0) {
            bin = DC_X1;
            while (qm.decode(stats, bin) != 0) {
                m <<= 1;
                if (m == MAGNITUDE_LIMIT) {
                    throw badCode("a DC difference of more than 16 bits");
                }
                bin++;
            }
        }
        // Section F.1.4.4.1.2: the category that conditions the next difference of this component.
        if (m < (1 << conditioning.dcLower[table]) >> 1) {
            dcContext[i] = 0;
        } else if (m > (1 << conditioning.dcUpper[table]) >> 1) {
            dcContext[i] = 12 + 4 * sign;
        } else {
            dcContext[i] = 4 + 4 * sign;
        }
        int magnitude = decodeMagnitudeBits(stats, bin + 14, m);
        lastDc[i] = (lastDc[i] + (sign != 0 ? -magnitude : magnitude)) & 0xFFFF;
        return lastDc[i];
    }

    /**
     * Figure F.24: the bits of v − 1 below its leading one {@code m}, each with the bin of its
     * category; returns the magnitude v.
     */
    private int decodeMagnitudeBits(byte[] stats, int bin, int m) {
        int v = m;
        while ((m >>= 1) != 0) {
            if (qm.decode(stats, bin) != 0) {
                v |= m;
            }
        }
        return v + 1;
    }

    /**
     * Figure F.20 (Decode_AC_coefficients), also the first pass of a progressive AC band (G.1.3):
     * coefficients {@code from}…{@code to} in zigzag order, scaled by 2^{@code shift}.
     */
    private void decodeAcFirst(int i, short[] coefficients, int at, int from, int to, int shift) {
        int table = acTable[i];
        byte[] stats = acStats[table];
        for (int k = from; k <= to; k++) {
            int bin = 3 * (k - 1);
            if (qm.decode(stats, bin) != 0) {
                return; // end of block
            }
            while (qm.decode(stats, bin + 1) == 0) {
                bin += 3;
                k++;
                if (k > to) {
                    throw badCode("AC coefficients past the end of the block");
                }
            }
            int sign = qm.decode(fixedHalf, 0);
            bin += 2;
            int m = qm.decode(stats, bin);
            if (m != 0 && qm.decode(stats, bin) != 0) {
                m <<= 1;
                bin = k <= conditioning.acKx[table] ? AC_X2_LOW : AC_X2_HIGH;
                while (qm.decode(stats, bin) != 0) {
                    m <<= 1;
                    if (m == MAGNITUDE_LIMIT) {
                        throw badCode("an AC coefficient of more than 16 bits");
                    }
                    bin++;
                }
            }
            int v = decodeMagnitudeBits(stats, bin + 14, m);
            coefficients[at + ArithmeticJpeg.NATURAL_ORDER[k]] = (short) ((sign != 0 ? -v : v) << shift);
        }
    }

    /** A successive approximation refinement (Section G.1.3): one more bit for the band's coefficients. */
    private void decodeAcRefinement(int i, short[] coefficients, int at) {
        byte[] stats = acStats[acTable[i]];
        int plusOne = 1 << al;
        int minusOne = -1 << al;
        // The end of block of the earlier passes: past it, "end of block?" is decided again.
        int previousEnd = se;
        while (previousEnd > 0 && coefficients[at + ArithmeticJpeg.NATURAL_ORDER[previousEnd]] == 0) {
            previousEnd--;
        }
        for (int k = ss; k <= se; k++) {
            int bin = 3 * (k - 1);
            if (k > previousEnd && qm.decode(stats, bin) != 0) {
                return;
            }
            while (true) {
                int index = at + ArithmeticJpeg.NATURAL_ORDER[k];
                int coefficient = coefficients[index];
                if (coefficient != 0) {
                    if (qm.decode(stats, bin + 2) != 0) {
                        coefficients[index] = (short) (coefficient + (coefficient < 0 ? minusOne : plusOne));
                    }
                    break;
                }
                if (qm.decode(stats, bin + 1) != 0) {
                    coefficients[index] = (short) (qm.decode(fixedHalf, 0) != 0 ? minusOne : plusOne);
                    break;
                }
                bin += 3;
                k++;
                if (k > se) {
                    throw badCode("AC refinement past the end of the band");
                }
            }
        }
    }

    /**
     * The restart marker RSTn that must follow the interval just decoded; then the statistics,
     * DC predictions and the coder start afresh.
     */
    private void restart(int expected) {
        int at = nextMarker(qm.position());
        int marker = data[at + 1] & 0xFF;
        if (marker != 0xD0 + expected) {
            throw new ImageFileException(file, "truncated or corrupt image data: expected restart marker RST"
                    + expected + " in the arithmetic-coded JPEG data, found marker 0x" + Integer.toHexString(marker));
        }
        qm.resume(at + 2);
        qm.restart();
        for (int i = 0; i < components.length; i++) {
            if (codesDc()) {
                java.util.Arrays.fill(dcStats[dcTable[i]], (byte) 0);
                lastDc[i] = 0;
                dcContext[i] = 0;
            }
            if (codesAc()) {
                java.util.Arrays.fill(acStats[acTable[i]], (byte) 0);
            }
        }
    }

    /**
     * The position of the marker at or after {@code from} (its 0xFF, after any fill bytes). Data
     * bytes before it are an error, as libjpeg warns of them ("extraneous bytes before marker").
     */
    private int nextMarker(int from) {
        int p = from;
        while (p + 1 < data.length && (data[p] & 0xFF) == 0xFF && (data[p + 1] & 0xFF) == 0xFF) {
            p++; // fill bytes
        }
        if (p + 1 >= data.length) {
            throw ArithmeticJpeg.truncated(file);
        }
        if (p + 1 >= readable) {
            throw ArithmeticJpeg.pastPillowsRead(file, readable);
        }
        if ((data[p] & 0xFF) != 0xFF || data[p + 1] == 0) {
            throw new ImageFileException(file, "truncated or corrupt image data: extraneous bytes after an"
                    + " arithmetic-coded segment, where a marker should follow");
        }
        return p;
    }

    private ImageFileException badCode(String what) {
        return new ImageFileException(file, "corrupt image data: the arithmetic-coded JPEG data decodes to " + what);
    }
}
