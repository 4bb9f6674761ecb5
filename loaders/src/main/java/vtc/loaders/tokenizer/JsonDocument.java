package vtc.loaders.tokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import vtc.loaders.LoadException;

/**
 * A tokenizer JSON file with typed field access: a missing or mistyped field is a
 * {@link LoadException} naming the file and the field, not a Gson exception.
 */
record JsonDocument(Path file, JsonObject root) {

    static JsonDocument read(Path file) {
        try {
            JsonElement root = JsonParser.parseString(Files.readString(file));
            if (!root.isJsonObject()) {
                throw new LoadException(file, "expected a JSON object at the top level");
            }
            return new JsonDocument(file, root.getAsJsonObject());
        } catch (IOException e) {
            throw new LoadException(file, "cannot read: " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new LoadException(file, "invalid JSON: " + e.getMessage(), e);
        }
    }

    LoadException error(String message) {
        return new LoadException(file, message);
    }

    /** The object {@code o.name}, or null if absent or JSON null. */
    JsonObject objectOrNull(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonObject()) {
            throw error("field '" + name + "' must be an object");
        }
        return e.getAsJsonObject();
    }

    /** The string {@code o.name}, or {@code fallback} if absent or JSON null. */
    String string(JsonObject o, String name, String fallback) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw error("field '" + name + "' must be a string");
        }
        return e.getAsString();
    }

    /** The boolean {@code o.name}, or null if absent or JSON null. */
    Boolean bool(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw error("field '" + name + "' must be true or false");
        }
        return e.getAsBoolean();
    }

    boolean bool(JsonObject o, String name, boolean fallback) {
        Boolean b = bool(o, name);
        return b == null ? fallback : b;
    }

    int integer(JsonElement e, String what) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw error(what + " must be an integer");
        }
        double d = e.getAsDouble();
        if (d != Math.rint(d) || d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
            throw error(what + " must be an integer, not " + e);
        }
        return (int) d;
    }

    /** A token given either as a string or as an AddedToken object ({@code {"content": …}}). */
    String tokenContent(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonObject()) {
            return string(e.getAsJsonObject(), "content", null);
        }
        return string(o, name, null);
    }
}
