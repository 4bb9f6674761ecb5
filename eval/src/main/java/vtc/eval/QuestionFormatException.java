package vtc.eval;

import vtc.loaders.LoadException;

/**
 * A question line that cannot be used, with its line number. The message is "line N: …"; the
 * file is named by whoever read it ({@link QuestionFile#read} for a local file, the Spark job
 * in the answer it writes for that line).
 */
public final class QuestionFormatException extends LoadException {

    private static final long serialVersionUID = 1L;

    private final long line;
    private final QuestionId id;

    QuestionFormatException(long line, QuestionId id, String message) {
        super(null, "line " + line + ": " + message);
        this.line = line;
        this.id = id;
    }

    public long line() {
        return line;
    }

    /** The line's {@code question_id} if it could be read, else its line number. */
    public QuestionId id() {
        return id != null ? id : QuestionId.of(line);
    }
}
