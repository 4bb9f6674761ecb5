package vtc.loaders.image;

/**
 * VP8's dequantisation factors (RFC 6386, section 14.1). The frame header gives a base quantiser
 * index 0..127 and five deltas (luma DC, Y2 DC and AC, chroma DC and AC); each segment may
 * replace or offset the base index. An index is looked up in the DC or the AC table, and the
 * decoded coefficient is multiplied by the factor: the first coefficient of a block (DC) by the DC
 * factor, the other fifteen by the AC factor.
 *
 * <p>Y2, the block of second-order luma DCs, uses twice the DC factor and 155/100 of the AC
 * factor (at least 8); chroma DC indices are capped at 117 (factor 132).
 */
final class Vp8Quantizer {

    /** DC factor for each quantiser index. */
    private static final int[] DC_FACTOR = {
            4,   5,   6,   7,   8,   9,  10,  10,  11,  12,  13,  14,  15,  16,  17,  17,
            18,  19,  20,  20,  21,  21,  22,  22,  23,  23,  24,  25,  25,  26,  27,  28,
            29,  30,  31,  32,  33,  34,  35,  36,  37,  37,  38,  39,  40,  41,  42,  43,
            44,  45,  46,  46,  47,  48,  49,  50,  51,  52,  53,  54,  55,  56,  57,  58,
            59,  60,  61,  62,  63,  64,  65,  66,  67,  68,  69,  70,  71,  72,  73,  74,
            75,  76,  76,  77,  78,  79,  80,  81,  82,  83,  84,  85,  86,  87,  88,  89,
            91,  93,  95,  96,  98, 100, 101, 102, 104, 106, 108, 110, 112, 114, 116, 118,
            122, 124, 126, 128, 130, 132, 134, 136, 138, 140, 143, 145, 148, 151, 154, 157,
    };

    /** AC factor for each quantiser index. */
    private static final int[] AC_FACTOR = {
            4,   5,   6,   7,   8,   9,  10,  11,  12,  13,  14,  15,  16,  17,  18,  19,
            20,  21,  22,  23,  24,  25,  26,  27,  28,  29,  30,  31,  32,  33,  34,  35,
            36,  37,  38,  39,  40,  41,  42,  43,  44,  45,  46,  47,  48,  49,  50,  51,
            52,  53,  54,  55,  56,  57,  58,  60,  62,  64,  66,  68,  70,  72,  74,  76,
            78,  80,  82,  84,  86,  88,  90,  92,  94,  96,  98, 100, 102, 104, 106, 108,
            110, 112, 114, 116, 119, 122, 125, 128, 131, 134, 137, 140, 143, 146, 149, 152,
            155, 158, 161, 164, 167, 170, 173, 177, 181, 185, 189, 193, 197, 201, 205, 209,
            213, 217, 221, 225, 229, 234, 239, 245, 249, 254, 259, 264, 269, 274, 279, 284,
    };

    /** The factors of one segment: {@code [dc, ac]} for luma, Y2 and chroma blocks. */
    record Factors(int[] luma, int[] y2, int[] chroma) {
    }

    private Vp8Quantizer() {
    }

    /**
     * The factors of a segment whose quantiser index is {@code index}, with the frame's deltas
     * {@code [lumaDc, y2Dc, y2Ac, chromaDc, chromaAc]}.
     */
    static Factors factors(int index, int[] deltas) {
        int[] luma = {DC_FACTOR[clamp(index + deltas[0], 127)], AC_FACTOR[clamp(index, 127)]};
        int[] y2 = {2 * DC_FACTOR[clamp(index + deltas[1], 127)],
                Math.max(8, AC_FACTOR[clamp(index + deltas[2], 127)] * 155 / 100)};
        int[] chroma = {DC_FACTOR[clamp(index + deltas[3], 117)], AC_FACTOR[clamp(index + deltas[4], 127)]};
        return new Factors(luma, y2, chroma);
    }

    private static int clamp(int v, int max) {
        return v < 0 ? 0 : Math.min(v, max);
    }
}
