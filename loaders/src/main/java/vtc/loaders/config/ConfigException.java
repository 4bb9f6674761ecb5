package vtc.loaders.config;

import java.nio.file.Path;
import vtc.loaders.LoadException;

/** A config.json that is malformed, names a field with the wrong type, or describes a model we cannot run. */
public class ConfigException extends LoadException {

    private static final long serialVersionUID = 1L;

    public ConfigException(Path file, String message) {
        super(file, message);
    }

    public ConfigException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}
