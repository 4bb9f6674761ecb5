package vtc.loaders.image;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import org.w3c.dom.Node;

/**
 * A TIFF palette at Pillow's precision. TIFF stores palette entries as 16-bit values; Pillow keeps
 * the high byte ({@code v // 256}), while the JDK's reader rounds {@code v / 257}, which moves
 * entries written as {@code 256·c} by one level. The image is given the palette read from the
 * {@code ColorMap} field (tag 320) instead.
 */
final class TiffPalette {

    private static final int COLOR_MAP_TAG = 320;

    private TiffPalette() {
    }

    static BufferedImage withPillowPalette(ImageReader reader, BufferedImage image) throws IOException {
        if (!(image.getColorModel() instanceof IndexColorModel decoded)) {
            return image;
        }
        int[] map = colorMap(reader.getImageMetadata(0));
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

    /** The ColorMap values in file order (all reds, all greens, all blues), or null. */
    private static int[] colorMap(IIOMetadata metadata) {
        if (metadata == null) {
            return null;
        }
        Node root = metadata.getAsTree("javax_imageio_tiff_image_1.0");
        for (Node ifd = root.getFirstChild(); ifd != null; ifd = ifd.getNextSibling()) {
            for (Node field = ifd.getFirstChild(); field != null; field = field.getNextSibling()) {
                Node number = field.getAttributes() == null ? null : field.getAttributes().getNamedItem("number");
                if (number != null && number.getNodeValue().equals(String.valueOf(COLOR_MAP_TAG))) {
                    Node shorts = field.getFirstChild();
                    java.util.List<Integer> values = new java.util.ArrayList<>();
                    for (Node s = shorts == null ? null : shorts.getFirstChild(); s != null; s = s.getNextSibling()) {
                        values.add(Integer.parseInt(s.getAttributes().getNamedItem("value").getNodeValue()));
                    }
                    return values.stream().mapToInt(Integer::intValue).toArray();
                }
            }
        }
        return null;
    }
}
