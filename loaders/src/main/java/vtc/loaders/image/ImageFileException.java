package vtc.loaders.image;

import java.io.Serial;
import java.nio.file.Path;
import vtc.loaders.LoadException;

/** An image file that cannot be used: missing, empty, not PNG/JPEG, truncated, corrupt, too large or of an unsupported colour model. */
public final class ImageFileException extends LoadException {

    @Serial
    private static final long serialVersionUID = 1L;

    public ImageFileException(Path file, String message) {
        super(file, message);
    }

    public ImageFileException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}
