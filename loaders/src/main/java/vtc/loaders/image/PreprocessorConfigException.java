package vtc.loaders.image;

import java.io.Serial;
import java.nio.file.Path;
import vtc.loaders.LoadException;

/** A {@code preprocessor_config.json} that is malformed or asks for something this engine does not do; names the field. */
public final class PreprocessorConfigException extends LoadException {

    @Serial
    private static final long serialVersionUID = 1L;

    public PreprocessorConfigException(Path file, String message) {
        super(file, message);
    }

    public PreprocessorConfigException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}
