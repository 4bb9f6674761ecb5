package vtc.loaders.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageReader;

/**
 * TIFF colour layouts where the JDK's decoded image and Pillow's {@code convert("RGB")} part ways,
 * by the file's PhotometricInterpretation field and the image the JDK made of it:
 *
 * <ul>
 *   <li>16-bit CMYK ("separated", 4 samples): the JDK presents it as RGB with alpha; converted
 *       here as the CMYK it is ({@link PillowRgbConversion#fromCmyk}).</li>
 *   <li>16-bit grey with an alpha channel: not in Pillow 9.4's table of TIFF layouts ("cannot
 *       identify image file"), though the JDK decodes it: refused, as the reference refuses it.</li>
 *   <li>CIE L*a*b* (CIELab, ICCLab, ITULab): both open it, but Pillow converts the colours its
 *       own way, which is not reproduced: refused.</li>
 * </ul>
 */
final class TiffColours {

    private TiffColours() {
    }

    /** The RGB of a TIFF the JDK decodes differently from the reference, or null for the others. */
    static RgbImage whereTheJdkDiffers(ImageReader reader, BufferedImage image, Path file) throws IOException {
        ColorModel model = image.getColorModel();
        if (model.getColorSpace().getType() == ColorSpace.TYPE_GRAY && model.hasAlpha()
                && model.getTransferType() != DataBuffer.TYPE_BYTE) {
            throw new ImageFileException(file, "16-bit grey TIFF with an alpha channel, which Pillow (the reference)"
                    + " cannot open either; convert it to 8 bits or drop the alpha channel first");
        }
        int[] field = TiffFields.values(reader.getImageMetadata(0), TiffFields.PHOTOMETRIC_INTERPRETATION);
        int photometric = field != null && field.length == 1 ? field[0] : -1;
        if (photometric >= TiffFields.CIE_LAB && photometric <= TiffFields.ITU_LAB) {
            throw new ImageFileException(file, "CIE L*a*b* TIFF, which is not supported (the reference converts its"
                    + " colours in a way not reproduced here); convert it to RGB first");
        }
        if (photometric == TiffFields.SEPARATED && image.getRaster().getNumBands() == 4
                && model.getColorSpace().getType() != ColorSpace.TYPE_CMYK) {
            return PillowRgbConversion.fromCmyk(image.getRaster());
        }
        return null;
    }
}
