package vtc.loaders.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import org.junit.jupiter.api.Test;

/** Undoing TIFF's horizontal differencing on 16-bit samples, on numbers worked by hand. */
class TiffPredictorTest {

    /**
     * Each sample is the sum of the differences to its left within its run, modulo 2^16: a run
     * restarts at every tile width, and each channel sums on its own.
     */
    @Test
    void runningSumsPerChannelAndRunModulo16Bits() {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_USHORT, 5, 1, 2, null);
        int[] red = {100, 5, 65_535, 7, 1};
        int[] green = {65_000, 1_000, 0, 3, 4};
        raster.setSamples(0, 0, 5, 1, 0, red);
        raster.setSamples(0, 0, 5, 1, 1, green);

        TiffPredictor.undo(raster, 3); // tiles 3 samples wide: runs are columns 0–2 and 3–4

        // red: 100, 100 + 5 = 105, 105 + 65535 = 65640 − 65536 = 104; new run: 7, 7 + 1 = 8
        assertArrayEquals(new int[] {100, 105, 104, 7, 8}, raster.getSamples(0, 0, 5, 1, 0, new int[5]));
        // green: 65000, 66000 − 65536 = 464, 464; new run: 3, 7
        assertArrayEquals(new int[] {65_000, 464, 464, 3, 7}, raster.getSamples(0, 0, 5, 1, 1, new int[5]));
    }
}
