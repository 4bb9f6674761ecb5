package vtc.loaders.image;

import java.util.ArrayList;
import java.util.List;
import javax.imageio.metadata.IIOMetadata;
import org.w3c.dom.Node;

/** The values of a field of a TIFF's first image directory, as the JDK's reader presents them. */
final class TiffFields {

    static final int BITS_PER_SAMPLE = 258;
    static final int PHOTOMETRIC_INTERPRETATION = 262;
    /** PhotometricInterpretation "separated": inks, CMYK unless an InkSet field says otherwise. */
    static final int SEPARATED = 5;
    /** PhotometricInterpretation CIELab, ICCLab and ITULab: 8, 9 and 10. */
    static final int CIE_LAB = 8;
    static final int ITU_LAB = 10;
    static final int PREDICTOR = 317;
    static final int COLOR_MAP = 320;
    static final int TILE_WIDTH = 322;
    static final int EXTRA_SAMPLES = 338;

    private TiffFields() {
    }

    /** The field's values in file order (any integer type), or null when the directory lacks it. */
    static int[] values(IIOMetadata metadata, int tag) {
        if (metadata == null) {
            return null;
        }
        Node root = metadata.getAsTree("javax_imageio_tiff_image_1.0");
        for (Node ifd = root.getFirstChild(); ifd != null; ifd = ifd.getNextSibling()) {
            for (Node field = ifd.getFirstChild(); field != null; field = field.getNextSibling()) {
                Node number = field.getAttributes() == null ? null : field.getAttributes().getNamedItem("number");
                if (number != null && number.getNodeValue().equals(String.valueOf(tag))) {
                    Node array = field.getFirstChild();
                    List<Integer> values = new ArrayList<>();
                    for (Node v = array == null ? null : array.getFirstChild(); v != null; v = v.getNextSibling()) {
                        Node value = v.getAttributes() == null ? null : v.getAttributes().getNamedItem("value");
                        if (value != null) {
                            values.add((int) Long.parseLong(value.getNodeValue()));
                        }
                    }
                    return values.stream().mapToInt(Integer::intValue).toArray();
                }
            }
        }
        return null;
    }
}
