package vtc.loaders.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The boolean decoder reads back what a boolean encoder wrote (the encoder of RFC 6386, section
 * 7.3, written out below): random decisions at random probabilities, including the extreme 1 and
 * 255, literals and signed values; and it reports running out only when read past the end.
 */
class Vp8BoolDecoderTest {

    /** The format's arithmetic encoder: the interval's low end, its width, and carry propagation. */
    private static final class BoolEncoder {
        private final byte[] written = new byte[1 << 16];
        private int length;
        private int range = 255;
        private long bottom; // 32 bits used
        private int bitsUntilByte = 24;

        void write(int probability, boolean one) {
            int split = 1 + (((range - 1) * probability) >> 8);
            if (one) {
                bottom += split;
                range -= split;
            } else {
                range = split;
            }
            while (range < 128) {
                range <<= 1;
                if ((bottom & (1L << 31)) != 0) {
                    carry();
                }
                bottom = (bottom << 1) & 0xFFFFFFFFL;
                if (--bitsUntilByte == 0) {
                    written[length++] = (byte) (bottom >>> 24);
                    bottom &= (1 << 24) - 1;
                    bitsUntilByte = 8;
                }
            }
        }

        /** Adds one to the bytes written so far (a carry out of the interval's low end). */
        private void carry() {
            int i = length - 1;
            while ((written[i] & 0xFF) == 0xFF) {
                written[i--] = 0;
            }
            written[i]++;
        }

        /** Writes out the low end's remaining bits, then padding. */
        byte[] finish() {
            for (int i = 0; i < 32; i++) {
                write(128, false);
            }
            return java.util.Arrays.copyOf(written, length);
        }
    }

    @Test
    void readsBackRandomDecisions() {
        Random random = new Random(6386);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + random.nextInt(3000);
            int[] probabilities = new int[n];
            boolean[] decisions = new boolean[n];
            BoolEncoder encoder = new BoolEncoder();
            for (int i = 0; i < n; i++) {
                probabilities[i] = switch (random.nextInt(4)) {
                    case 0 -> 1;
                    case 1 -> 255;
                    default -> 1 + random.nextInt(255);
                };
                // decisions mostly as likely as their probability says, so both fast and slow paths occur
                decisions[i] = random.nextInt(256) >= probabilities[i] ^ random.nextInt(10) == 0;
                encoder.write(probabilities[i], decisions[i]);
            }
            byte[] stream = encoder.finish();
            Vp8BoolDecoder decoder = new Vp8BoolDecoder(stream, 0, stream.length);
            for (int i = 0; i < n; i++) {
                assertEquals(decisions[i], decoder.readBool(probabilities[i]), "decision " + i + " of trial " + trial);
            }
            assertFalse(decoder.ranOut(), "a padded stream is read within its bytes");
        }
    }

    @Test
    void readsLiteralsAndSignedValues() {
        BoolEncoder encoder = new BoolEncoder();
        int[] values = {0, 1, 127, 64, 5};
        for (int v : values) {
            for (int bit = 6; bit >= 0; bit--) { // 7-bit literals, most significant bit first
                encoder.write(128, ((v >> bit) & 1) == 1);
            }
        }
        // the signed value -9 as a 4-bit magnitude and a sign bit; then an absent optional value
        for (int bit = 3; bit >= 0; bit--) {
            encoder.write(128, ((9 >> bit) & 1) == 1);
        }
        encoder.write(128, true);
        encoder.write(128, false);
        byte[] stream = encoder.finish();
        Vp8BoolDecoder decoder = new Vp8BoolDecoder(stream, 0, stream.length);
        for (int v : values) {
            assertEquals(v, decoder.readLiteral(7));
        }
        assertEquals(-9, decoder.readSignedLiteral(4));
        assertEquals(0, decoder.readOptionalSigned(6));
    }

    @Test
    void runningOutIsReported() {
        byte[] stream = {(byte) 0xA5};
        Vp8BoolDecoder decoder = new Vp8BoolDecoder(stream, 0, stream.length);
        assertFalse(decoder.ranOut());
        for (int i = 0; i < 40; i++) {
            decoder.readBit(); // far more bits than one byte holds: zeros are read, without an exception
        }
        assertTrue(decoder.ranOut());
        assertTrue(new Vp8BoolDecoder(stream, 0, 0).ranOut(), "an empty partition has run out from the start");
    }
}
