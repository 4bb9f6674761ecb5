package vtc.loaders.json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a whole small file of a model directory (a config, a tokenizer) into memory, but only a
 * regular file and only up to a bound: a FIFO would block the load forever, a link to
 * {@code /dev/zero} would fill the heap, and a huge file would cost its size before any refusal.
 */
public final class SmallFile {

    private SmallFile() {
    }

    /** The bytes of {@code file}, a regular file of at most {@code maxBytes} ({@code what} names the kind in errors). */
    public static byte[] read(Path file, long maxBytes, String what, JsonFile.Errors errors) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw errors.at(file, "file not found");
        } catch (IOException e) {
            throw errors.at(file, "cannot read: " + e.getMessage());
        }
        if (!attributes.isRegularFile()) {
            throw errors.at(file, "is not a regular file (" + (attributes.isDirectory() ? "a directory"
                    : "a FIFO, socket or device") + "); a model's files must be plain files");
        }
        if (attributes.size() > maxBytes) {
            throw errors.at(file, tooLarge(attributes.size(), maxBytes, what));
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1)); // it may have grown
            if (bytes.length > maxBytes) {
                throw errors.at(file, tooLarge(bytes.length, maxBytes, what));
            }
            return bytes;
        } catch (IOException e) {
            throw errors.at(file, "cannot read: " + e.getMessage());
        }
    }

    private static String tooLarge(long bytes, long maxBytes, String what) {
        return "is " + bytes + " bytes, more than the " + (maxBytes >> 20) + " MiB " + what + " may have";
    }
}
