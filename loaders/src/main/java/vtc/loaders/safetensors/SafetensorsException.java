package vtc.loaders.safetensors;

import java.nio.file.Path;
import vtc.loaders.LoadException;

/** A safetensors file that cannot be used: malformed header, bad offsets, or a tensor of an unusable dtype. */
public class SafetensorsException extends LoadException {

    private static final long serialVersionUID = 1L;

    public SafetensorsException(Path file, String message) {
        super(file, message);
    }

    public SafetensorsException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}
