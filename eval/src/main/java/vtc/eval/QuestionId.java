package vtc.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import com.google.gson.internal.LazilyParsedNumber;
import java.io.Serializable;

/**
 * A question's id exactly as its file wrote it, a JSON number or a string. LLaVA's scorers look
 * answers up by id in a dictionary built from the question file, so the answers file must give
 * the id back with the same type and digits: {@code 7} and {@code "7"} are different keys there.
 *
 * @param value   the number's digits as written, or the string
 * @param numeric whether it was a JSON number
 */
public record QuestionId(String value, boolean numeric) implements Serializable {

    /** A numeric id, for questions that have none (their line number). */
    public static QuestionId of(long number) {
        return new QuestionId(Long.toString(number), true);
    }

    /** The id in a JSON value; null unless it is a number or a string. */
    static QuestionId fromJson(JsonElement e) {
        if (e == null || !e.isJsonPrimitive()) {
            return null;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isNumber()) {
            return new QuestionId(p.getAsNumber().toString(), true);
        }
        return p.isString() ? new QuestionId(p.getAsString(), false) : null;
    }

    JsonPrimitive toJson() {
        return numeric ? new JsonPrimitive(new LazilyParsedNumber(value)) : new JsonPrimitive(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
