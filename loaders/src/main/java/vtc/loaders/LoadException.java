package vtc.loaders;

import java.nio.file.Path;

/**
 * Anything a user hands the loaders that cannot be used as it is: a malformed checkpoint,
 * config, tokenizer or image. The message names the file and, where there is one, the tensor or
 * field, so that it can be shown to a user as it is. Subclasses say which kind of file failed.
 */
public class LoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private static final int MAX_MESSAGE_CHARS = 4000;

    /** Not serialized: a Path need not be serializable, and the message already names the file. */
    private final transient Path file;

    public LoadException(Path file, String message) {
        this(file, message, null);
    }

    public LoadException(Path file, String message, Throwable cause) {
        super(bounded(file == null ? message : file + ": " + message), cause);
        this.file = file;
    }

    /** The file at fault, or null when the input did not come from a file. */
    public Path file() {
        return file;
    }

    /**
     * Messages often quote what a parser said about the input, and a hostile input can make that
     * text enormous (JSON nested a million levels deep); a user needs its beginning only.
     */
    private static String bounded(String message) {
        if (message == null || message.length() <= MAX_MESSAGE_CHARS) {
            return message;
        }
        return message.substring(0, MAX_MESSAGE_CHARS) + "… (" + (message.length() - MAX_MESSAGE_CHARS)
                + " more characters)";
    }
}
