package vtc.loaders.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The QM decoder on the standard's own test of the arithmetic coder (T.81 Section K.4.1): 256
 * binary decisions coded with a single statistics bin, and the compressed bytes the standard
 * prints for them — which pass a stuffed zero (the 0xFF 0x00 at offset 11) and end at an EOI
 * marker. Neither side was produced by this project.
 */
class QmDecoderTest {

    /** The 256-bit test sequence, most significant bit first. */
    private static final int[] DECISIONS = {
        0x00, 0x02, 0x00, 0x51, 0x00, 0x00, 0x00, 0xC0, 0x03, 0x52, 0x87, 0x2A, 0xAA, 0xAA, 0xAA, 0xAA,
        0x82, 0xC0, 0x20, 0x00, 0xFC, 0xD7, 0x9E, 0xF6, 0x74, 0xEA, 0xAB, 0xF7, 0x69, 0x7E, 0xE7, 0x4C,
    };
    /** The compressed data: the entropy-coded segment, then the EOI marker (and a pad byte). */
    private static final int[] COMPRESSED = {
        0x65, 0x5B, 0x51, 0x44, 0xF7, 0x96, 0x9D, 0x51, 0x78, 0x55, 0xBF, 0xFF, 0x00, 0xFC, 0x51, 0x84,
        0xC7, 0xCE, 0xF9, 0x39, 0x00, 0x28, 0x7D, 0x46, 0x70, 0x8E, 0xCB, 0xC0, 0xF6, 0xFF, 0xD9, 0x00,
    };

    private static byte[] bytes(int[] values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void decodesTheStandardsTestSequence() {
        byte[] data = bytes(COMPRESSED);
        QmDecoder qm = new QmDecoder(data, 0, data.length, Path.of("k41.jpg"));
        byte[] bin = new byte[1]; // state 0, MPS 0: where every statistics bin starts
        byte[] decoded = new byte[32];
        for (int i = 0; i < 256; i++) {
            decoded[i / 8] |= (byte) (qm.decode(bin, 0) << (7 - i % 8));
        }
        assertArrayEquals(bytes(DECISIONS), decoded);
        // The decoder read ahead into the marker and stopped there: it is left for the caller.
        assertEquals(0xD9, qm.pendingMarker());
        assertEquals(29, qm.position());
    }

    /** Without the marker, the same bytes run out before the 256 decisions are decoded. */
    @Test
    void segmentCutBeforeItsEndIsTruncated() {
        byte[] data = Arrays.copyOf(bytes(COMPRESSED), 20);
        QmDecoder qm = new QmDecoder(data, 0, data.length, Path.of("cut.jpg"));
        byte[] bin = new byte[1];
        ImageFileException e = assertThrows(ImageFileException.class, () -> {
            for (int i = 0; i < 256; i++) {
                qm.decode(bin, 0);
            }
        });
        assertEquals(Path.of("cut.jpg"), e.file());
    }
}
