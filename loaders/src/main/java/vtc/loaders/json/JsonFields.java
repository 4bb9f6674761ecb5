package vtc.loaders.json;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vtc.loaders.LoadException;

/**
 * One JSON object of a model file with typed field access, shared by every loader. A field that is
 * absent (or JSON null) takes the given default, as in Hugging Face's config classes; a field of
 * the wrong type is an error that names the file, the full field path ({@code text_config.head_dim},
 * {@code model.vocab['a']}) and the value found, raised as the loader's own exception type.
 */
public final class JsonFields {

    private final Path file;
    private final String path;
    private final JsonObject json;
    private final JsonFile.Errors errors;

    JsonFields(Path file, String path, JsonObject json, JsonFile.Errors errors) {
        this.file = file;
        this.path = path;
        this.json = json;
        this.errors = errors;
    }

    public Path file() {
        return file;
    }

    /** The nested object {@code field}, or null when absent. */
    public JsonFields object(String field) {
        JsonElement e = present(field);
        return e == null ? null : objectAt(qualified(field), e);
    }

    /** The nested object {@code field}, or an empty one (every field at its default) when absent. */
    public JsonFields objectOrEmpty(String field) {
        JsonFields nested = object(field);
        return nested != null ? nested : new JsonFields(file, qualified(field), new JsonObject(), errors);
    }

    /** The array {@code field} of objects; an absent field is an error when {@code required}, else empty. */
    public List<JsonFields> objects(String field, boolean required) {
        JsonArray array = array(field, required);
        List<JsonFields> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            out.add(objectAt(qualified(field) + "[" + i + "]", array.get(i)));
        }
        return out;
    }

    /** The array {@code field}; an absent field is an error when {@code required}, else empty. */
    public JsonArray array(String field, boolean required) {
        JsonElement e = present(field);
        if (e == null) {
            if (required) {
                throw error(field, "is missing; it must be an array");
            }
            return new JsonArray();
        }
        if (!e.isJsonArray()) {
            throw wrongType(qualified(field), "an array", e);
        }
        return e.getAsJsonArray();
    }

    /** The fields of this object in file order, each with its value. */
    public Map<String, JsonElement> entries() {
        Map<String, JsonElement> out = new LinkedHashMap<>();
        json.entrySet().forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    public boolean has(String field) {
        return present(field) != null;
    }

    public int integer(String field, int defaultValue) {
        JsonElement e = present(field);
        return e == null ? defaultValue : integerAt(qualified(field), e);
    }

    /** A finite number (an integer is one too). */
    public double number(String field, double defaultValue) {
        JsonElement e = present(field);
        return e == null ? defaultValue : numberAt(qualified(field), e);
    }

    public boolean bool(String field, boolean defaultValue) {
        Boolean b = boolOrNull(field);
        return b == null ? defaultValue : b;
    }

    /** The boolean {@code field}, or null when absent. */
    public Boolean boolOrNull(String field) {
        JsonElement e = present(field);
        if (e == null) {
            return null;
        }
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean())) {
            throw wrongType(qualified(field), "true or false", e);
        }
        return e.getAsBoolean();
    }

    public String string(String field, String defaultValue) {
        JsonElement e = present(field);
        return e == null ? defaultValue : stringAt(qualified(field), e);
    }

    /** A field that may hold one integer or a list of integers (such as {@code eos_token_id}). */
    public int[] integers(String field, int[] defaultValue) {
        JsonElement e = present(field);
        if (e == null) {
            return defaultValue.clone();
        }
        if (!e.isJsonArray()) {
            return new int[] {integerAt(qualified(field), e)};
        }
        JsonArray array = e.getAsJsonArray();
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = integerAt(qualified(field) + "[" + i + "]", array.get(i));
        }
        return out;
    }

    /** The raw value of {@code field}, or null when absent or JSON null. */
    public JsonElement raw(String field) {
        return present(field);
    }

    /** An integer value found at {@code where} (a full field path, used in the error). */
    public int integerAt(String where, JsonElement e) {
        if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            try {
                return new BigDecimal(e.getAsString()).intValueExact();
            } catch (ArithmeticException | NumberFormatException notInt) {
                // fall through to the type error below
            }
        }
        throw wrongType(where, "an integer", e);
    }

    /** A finite number found at {@code where}. */
    public double numberAt(String where, JsonElement e) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw wrongType(where, "a number", e);
        }
        double v = e.getAsDouble();
        if (!Double.isFinite(v)) {
            throw errors.at(file, where + " must be a finite number, got " + shortText(e));
        }
        return v;
    }

    /** A string found at {@code where}. */
    public String stringAt(String where, JsonElement e) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw wrongType(where, "a string", e);
        }
        return e.getAsString();
    }

    /** An object found at {@code where}. */
    public JsonFields objectAt(String where, JsonElement e) {
        if (e == null || !e.isJsonObject()) {
            throw wrongType(where, "an object", e);
        }
        return new JsonFields(file, where, e.getAsJsonObject(), errors);
    }

    /** An error about {@code field} of this object, with its full path. */
    public LoadException error(String field, String problem) {
        return errors.at(file, qualified(field) + " " + problem);
    }

    /** An error about this object as a whole. */
    public LoadException error(String problem) {
        return errors.at(file, path.isEmpty() ? problem : path + " " + problem);
    }

    /** The full path of {@code field} of this object, as errors print it. */
    public String qualified(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private JsonElement present(String field) {
        JsonElement e = json.get(field);
        return e == null || e.isJsonNull() ? null : e;
    }

    private LoadException wrongType(String where, String expected, JsonElement found) {
        return errors.at(file, where + " must be " + expected + ", got " + shortText(found));
    }

    /** A value as an error quotes it: short, since a hostile value can be megabytes long. */
    public static String shortText(JsonElement e) {
        String text = e == null || e.isJsonNull() ? "nothing" : e instanceof JsonPrimitive ? e.toString()
                : e.isJsonArray() ? "an array" : "an object";
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
}
