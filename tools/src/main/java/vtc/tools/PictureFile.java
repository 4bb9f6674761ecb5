package vtc.tools;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Writes a picture in the format its file name's extension names — PNG ({@code .png}) or JPEG
 * ({@code .jpg}, {@code .jpeg}) — creating the parent folder; any other extension is refused
 * before the work starts, so a {@code .jpg} never holds PNG bytes. Failures name the file.
 */
final class PictureFile {

    private PictureFile() {
    }

    /** The ImageIO format name for {@code file}, or a usage error naming the extensions accepted. */
    static String checkFormat(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png")) {
            return "png";
        }
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            return "jpeg";
        }
        throw new UsageException("cannot tell the picture format of " + file
                + ": name it .png or .jpg (.jpeg)");
    }

    static void write(BufferedImage image, Path file) {
        String format = checkFormat(file);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            BufferedImage pixels = image;
            if (format.equals("jpeg") && image.getType() != BufferedImage.TYPE_INT_RGB) {
                // JPEG has no alpha: draw onto an opaque RGB canvas first.
                pixels = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
                pixels.createGraphics().drawImage(image, 0, 0, java.awt.Color.WHITE, null);
            }
            if (!ImageIO.write(pixels, format, file.toFile())) {
                throw new IOException("no " + format + " writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
