package vtc.loaders.image;

import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * TIFF's horizontal differencing predictor (Predictor = 2) on 16-bit samples, which the JDK's
 * reader refuses ("16-bit samples are not supported for Horizontal differencing Predictor") and
 * libtiff, under Pillow, undoes.
 *
 * <p>The predictor stores each sample as the difference from the same channel's sample to its
 * left, modulo 2^16; the first sample of each row (of each tile row, for tiled files) is stored
 * as is. It applies to the decompressed samples, so the JDK can still do the decompression (LZW,
 * zip, …) of a copy of the file whose Predictor field says 1 (none); the running sums are then
 * taken here, per channel and row, at the 16-bit width the differences were taken at.
 */
final class TiffPredictor {

    private static final int HORIZONTAL_DIFFERENCING = 2;

    private TiffPredictor() {
    }

    /** Whether the image stores 16-bit samples with horizontal differencing: what the JDK refuses. */
    static boolean sixteenBitDifferencing(IIOMetadata metadata) {
        int[] predictor = TiffFields.values(metadata, TiffFields.PREDICTOR);
        int[] bits = TiffFields.values(metadata, TiffFields.BITS_PER_SAMPLE);
        if (predictor == null || predictor.length != 1 || predictor[0] != HORIZONTAL_DIFFERENCING || bits == null) {
            return false;
        }
        for (int b : bits) {
            if (b != 16) {
                return false;
            }
        }
        return true;
    }

    /** The width of the runs the differences restart at: the tile width, or the whole row. */
    static int runWidth(IIOMetadata metadata, int imageWidth) {
        int[] tileWidth = TiffFields.values(metadata, TiffFields.TILE_WIDTH);
        return tileWidth != null && tileWidth.length == 1 && tileWidth[0] > 0 ? tileWidth[0] : imageWidth;
    }

    /**
     * The file's bytes with the first image directory's Predictor field set to 1, for the JDK's
     * reader to decompress without undoing the differences.
     */
    static ImageInputStream withoutPredictor(Path file) throws IOException {
        byte[] tiff = Files.readAllBytes(file);
        boolean little = tiff.length > 8 && tiff[0] == 'I' && tiff[1] == 'I';
        long ifd = unsigned(tiff, 4, 4, little);
        int entries = ifd + 2 <= tiff.length ? (int) unsigned(tiff, (int) ifd, 2, little) : 0;
        for (int i = 0; i < entries; i++) {
            long at = ifd + 2 + 12L * i;
            if (at + 12 > tiff.length) {
                break;
            }
            int entry = (int) at;
            if (unsigned(tiff, entry, 2, little) == TiffFields.PREDICTOR && unsigned(tiff, entry + 2, 2, little) == 3) {
                // A SHORT value sits in the first two bytes of the entry's value field.
                tiff[entry + 8] = (byte) (little ? 1 : 0);
                tiff[entry + 9] = (byte) (little ? 0 : 1);
            }
        }
        return new MemoryCacheImageInputStream(new ByteArrayInputStream(tiff));
    }

    /** Replaces each stored difference with the running sum along its run, modulo 2^16. */
    static void undo(WritableRaster raster, int runWidth) {
        int w = raster.getWidth();
        int[] row = new int[w];
        for (int band = 0; band < raster.getNumBands(); band++) {
            for (int y = 0; y < raster.getHeight(); y++) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, band, row);
                for (int x = 1; x < w; x++) {
                    if (x % runWidth != 0) {
                        row[x] = (row[x] + row[x - 1]) & 0xFFFF;
                    }
                }
                raster.setSamples(raster.getMinX(), raster.getMinY() + y, w, 1, band, row);
            }
        }
    }

    private static long unsigned(byte[] b, int at, int size, boolean little) {
        if (at < 0 || at + size > b.length) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < size; i++) {
            int shift = little ? 8 * i : 8 * (size - 1 - i);
            v |= (long) (b[at + i] & 0xFF) << shift;
        }
        return v;
    }
}
