package vtc.loaders.checkpoint;

import java.nio.file.Path;
import vtc.loaders.LoadException;

/** A model directory whose weights cannot be used: missing or misplaced shards, missing or misshapen tensors. */
public class CheckpointException extends LoadException {

    private static final long serialVersionUID = 1L;

    public CheckpointException(Path file, String message) {
        super(file, message);
    }

    public CheckpointException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}
