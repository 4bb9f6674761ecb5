package vtc.loaders.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.nio.file.Path;

/**
 * A JSON object of a config file with typed field access. A field that is absent (or JSON null)
 * takes the given default, as in Hugging Face config classes; a field of the wrong type is an
 * error naming the full field path and the value found.
 */
final class ConfigObject {

    private final Path file;
    private final String path;
    private final JsonObject json;

    ConfigObject(Path file, String path, JsonObject json) {
        this.file = file;
        this.path = path;
        this.json = json;
    }

    /** The nested object {@code field}, or null when absent. */
    ConfigObject objectOrNull(String field) {
        JsonElement e = present(field);
        if (e == null) {
            return null;
        }
        if (!e.isJsonObject()) {
            throw wrongType(field, "an object", e);
        }
        return new ConfigObject(file, qualified(field), e.getAsJsonObject());
    }

    /** The nested object {@code field}, or an empty one (every field at its default) when absent. */
    ConfigObject objectOrEmpty(String field) {
        ConfigObject nested = objectOrNull(field);
        return nested != null ? nested : new ConfigObject(file, qualified(field), new JsonObject());
    }

    int integer(String field, int defaultValue) {
        JsonElement e = present(field);
        return e == null ? defaultValue : asInt(field, e);
    }

    double number(String field, double defaultValue) {
        JsonElement e = present(field);
        if (e == null) {
            return defaultValue;
        }
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber())) {
            throw wrongType(field, "a number", e);
        }
        return e.getAsDouble();
    }

    boolean bool(String field, boolean defaultValue) {
        JsonElement e = present(field);
        if (e == null) {
            return defaultValue;
        }
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean())) {
            throw wrongType(field, "a boolean", e);
        }
        return e.getAsBoolean();
    }

    String string(String field, String defaultValue) {
        JsonElement e = present(field);
        if (e == null) {
            return defaultValue;
        }
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isString())) {
            throw wrongType(field, "a string", e);
        }
        return e.getAsString();
    }

    /** A field that may hold one integer or a list of integers (such as {@code eos_token_id}). */
    int[] integers(String field, int[] defaultValue) {
        JsonElement e = present(field);
        if (e == null) {
            return defaultValue.clone();
        }
        if (!e.isJsonArray()) {
            return new int[] {asInt(field, e)};
        }
        JsonArray array = e.getAsJsonArray();
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = asInt(field + "[" + i + "]", array.get(i));
        }
        return out;
    }

    /** The raw value of {@code field}, or null when absent or JSON null. */
    JsonElement raw(String field) {
        return present(field);
    }

    /** An error about {@code field} of this object, with its full path. */
    ConfigException error(String field, String problem) {
        return new ConfigException(file, qualified(field) + " " + problem);
    }

    private int asInt(String field, JsonElement e) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            try {
                return new BigDecimal(e.getAsString()).intValueExact();
            } catch (ArithmeticException | NumberFormatException notInt) {
                // fall through to the type error below
            }
        }
        throw wrongType(field, "an integer", e);
    }

    private JsonElement present(String field) {
        JsonElement e = json.get(field);
        return e == null || e.isJsonNull() ? null : e;
    }

    private ConfigException wrongType(String field, String expected, JsonElement found) {
        return error(field, "must be " + expected + ", got " + shortText(found));
    }

    private static String shortText(JsonElement e) {
        String text = e instanceof JsonPrimitive ? e.toString() : e.isJsonArray() ? "an array" : "an object";
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    private String qualified(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
