package vtc.loaders.image;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import javax.imageio.ImageReader;

/**
 * A TIFF palette at Pillow's precision. TIFF stores palette entries as 16-bit values; Pillow keeps
 * the high byte ({@code v // 256}), while the JDK's reader rounds {@code v / 257}, which moves
 * entries written as {@code 256·c} by one level. The image is given the palette read from the
 * {@code ColorMap} field (tag 320) instead.
 */
final class TiffPalette {

    private TiffPalette() {
    }

    static BufferedImage withPillowPalette(ImageReader reader, BufferedImage image) throws IOException {
        if (!(image.getColorModel() instanceof IndexColorModel decoded)) {
            return image;
        }
        int[] map = TiffFields.values(reader.getImageMetadata(0), TiffFields.COLOR_MAP);
        if (map == null || map.length % 3 != 0) {
            return image;
        }
        int n = map.length / 3;
        byte[] r = new byte[n];
        byte[] g = new byte[n];
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            r[i] = (byte) (map[i] >> 8);
            g[i] = (byte) (map[n + i] >> 8);
            b[i] = (byte) (map[2 * n + i] >> 8);
        }
        IndexColorModel exact = new IndexColorModel(decoded.getPixelSize(), n, r, g, b);
        return new BufferedImage(exact, image.getRaster(), false, null);
    }
}
