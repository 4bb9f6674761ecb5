package vtc.spark;

import java.io.Serializable;
import vtc.eval.Question;
import vtc.eval.QuestionFile;
import vtc.eval.QuestionFormatException;
import vtc.eval.QuestionId;

/**
 * One non-blank line of the question file after parsing on an executor: a question, or the
 * reason it is none (which becomes a failed answer, not a failed job).
 */
record QuestionLine(Question question, QuestionId id, long line, String error) implements Serializable {

    static QuestionLine parse(String text, long line) {
        try {
            Question q = QuestionFile.parse(text, line);
            return new QuestionLine(q, q.id(), line, null);
        } catch (QuestionFormatException e) {
            return new QuestionLine(null, e.id(), line, e.getMessage());
        }
    }

    boolean ok() {
        return question != null;
    }
}
