package vtc.loaders.image;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * A GIF's first frame as Pillow shows it: on the file's logical screen, which may be larger than
 * the frame (and is enlarged when the frame reaches past it, as Pillow does). Pillow starts the
 * screen filled with the transparent colour index (or index 0 when there is none) and draws the
 * frame at its offset; the JDK's reader returns the frame alone.
 */
final class GifScreen {

    private GifScreen() {
    }

    /** The size of the picture Pillow shows: the logical screen, enlarged to hold the first frame at its offset. */
    static int[] screenSize(ImageReader reader) throws IOException {
        Node screen = child(reader.getStreamMetadata(), "javax_imageio_gif_stream_1.0", "LogicalScreenDescriptor");
        int[] offset = offset(reader);
        int w = screen == null ? 0 : intAttribute(screen, "logicalScreenWidth", 0);
        int h = screen == null ? 0 : intAttribute(screen, "logicalScreenHeight", 0);
        return new int[] {Math.max(w, offset[0] + reader.getWidth(0)), Math.max(h, offset[1] + reader.getHeight(0))};
    }

    private static int[] offset(ImageReader reader) throws IOException {
        Node descriptor = child(reader.getImageMetadata(0), "javax_imageio_gif_image_1.0", "ImageDescriptor");
        return descriptor == null ? new int[2]
                : new int[] {intAttribute(descriptor, "imageLeftPosition", 0), intAttribute(descriptor, "imageTopPosition", 0)};
    }

    /** The first frame drawn on a screen of {@code size}, or the frame itself when it covers the screen. */
    static BufferedImage onScreen(ImageReader reader, BufferedImage frame, int[] size) throws IOException {
        IIOMetadata metadata = reader.getImageMetadata(0);
        int[] offset = offset(reader);
        int left = offset[0];
        int top = offset[1];
        if (left == 0 && top == 0 && frame.getWidth() == size[0] && frame.getHeight() == size[1]) {
            return frame;
        }
        if (!(frame.getColorModel() instanceof IndexColorModel palette)) {
            return frame;
        }
        Node control = child(metadata, "javax_imageio_gif_image_1.0", "GraphicControlExtension");
        int fill = control != null && "TRUE".equalsIgnoreCase(attribute(control, "transparentColorFlag"))
                ? intAttribute(control, "transparentColorIndex", 0) : 0;
        WritableRaster screen = palette.createCompatibleWritableRaster(size[0], size[1]);
        for (int y = 0; y < size[1]; y++) {
            for (int x = 0; x < size[0]; x++) {
                screen.setSample(x, y, 0, fill);
            }
        }
        int w = Math.min(frame.getWidth(), size[0] - left);
        int h = Math.min(frame.getHeight(), size[1] - top);
        if (w > 0 && h > 0) {
            screen.setRect(left, top, frame.getRaster().createChild(0, 0, w, h, 0, 0, null));
        }
        return new BufferedImage(palette, screen, false, null);
    }

    private static Node child(IIOMetadata metadata, String format, String name) {
        if (metadata == null) {
            return null;
        }
        for (Node n = metadata.getAsTree(format).getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) {
                return n;
            }
        }
        return null;
    }

    private static String attribute(Node node, String name) {
        NamedNodeMap attributes = node.getAttributes();
        Node a = attributes == null ? null : attributes.getNamedItem(name);
        return a == null ? null : a.getNodeValue();
    }

    private static int intAttribute(Node node, String name, int fallback) {
        try {
            return Integer.parseInt(attribute(node, name));
        } catch (NumberFormatException | NullPointerException e) {
            return fallback;
        }
    }
}
