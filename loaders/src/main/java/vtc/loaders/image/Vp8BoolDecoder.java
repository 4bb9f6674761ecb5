package vtc.loaders.image;

/**
 * VP8's boolean entropy decoder (RFC 6386, section 7): every syntax element of a VP8 frame is a
 * sequence of binary decisions, each coded with a known probability {@code p/256} of being 0.
 * The decoder keeps an interval of width {@code range} (128..255 after normalisation) and the
 * coded {@code value} inside it; a decision splits the interval at
 * {@code 1 + ((range - 1) * p >> 8)}, the lower part meaning 0 and the upper 1, and the chosen
 * part is scaled back up by shifting in more bits of the stream.
 *
 * <p>Here {@code value} holds {@code bits + 8} significant bits, of which the top 8 line up with
 * {@code range}; bytes are shifted in one at a time whenever fewer than 8 are left. Past the end
 * of its partition the decoder reads zero bytes and records that it ran out ({@link #ranOut()});
 * like libwebp, the frame decoder checks that flag at each macroblock (row) and then refuses the
 * frame as truncated. (libwebp's encoder pads each partition so that a valid stream never needs
 * a byte past its end.)
 */
final class Vp8BoolDecoder {

    private final byte[] data;
    private int position;
    private final int end;
    /** The interval's width minus one, 127..254 after each decision. */
    private int rangeMinusOne = 254;
    private long value;
    /** How many bits of {@code value} lie below the 8 that are compared against the split. */
    private int bits = -8;
    private boolean ranOut;

    /** A decoder over {@code data[start, start + length)}; the first byte is loaded at once. */
    Vp8BoolDecoder(byte[] data, int start, int length) {
        this.data = data;
        this.position = start;
        this.end = start + length;
        loadByte();
    }

    /** Whether the decoder has needed bytes past the end of its partition. */
    boolean ranOut() {
        return ranOut;
    }

    private void loadByte() {
        if (position < end) {
            value = (value << 8) | (data[position++] & 0xFF);
            bits += 8;
        } else if (!ranOut) {
            value <<= 8;
            bits += 8;
            ranOut = true;
        } else {
            bits = 0; // keep decoding zeros; the caller refuses the frame at its next check
        }
    }

    /** One decision coded with probability {@code probability / 256} of being 0. */
    boolean readBool(int probability) {
        if (bits < 0) {
            loadByte();
        }
        int split = (rangeMinusOne * probability) >>> 8; // the split minus one
        long top = value >>> bits;
        boolean one = top > split;
        int range;
        if (one) {
            range = rangeMinusOne - split;
            value -= (long) (split + 1) << bits;
        } else {
            range = split + 1;
        }
        // normalise: shift until the interval is at least 128 wide again
        int shift = Integer.numberOfLeadingZeros(range) - 24;
        range <<= shift;
        bits -= shift;
        rangeMinusOne = range - 1;
        return one;
    }

    /** A decision with even odds, 0 or 1. */
    int readBit() {
        return readBool(128) ? 1 : 0;
    }

    /** An unsigned {@code n}-bit literal, most significant bit first, each bit at even odds. */
    int readLiteral(int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 1) | readBit();
        }
        return v;
    }

    /** An {@code n}-bit magnitude followed by a sign bit (1 = negative), as the frame header codes its deltas. */
    int readSignedLiteral(int n) {
        int magnitude = readLiteral(n);
        return readBit() == 1 ? -magnitude : magnitude;
    }

    /** An optional signed value: a flag, then {@link #readSignedLiteral} if it is set, else 0. */
    int readOptionalSigned(int n) {
        return readBit() == 1 ? readSignedLiteral(n) : 0;
    }
}
