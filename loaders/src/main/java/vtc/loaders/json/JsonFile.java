package vtc.loaders.json;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import vtc.loaders.LoadException;

/**
 * Reads the small JSON files of a model directory ({@code config.json}, {@code preprocessor_config.json},
 * the tokenizer files) the way their reference readers do — Python's {@code json} for the configs,
 * serde_json for {@code tokenizer.json} — and no more leniently: strict JSON only (no comments, no
 * single quotes, no {@code NaN}, no trailing commas), UTF-8 without a byte order mark.
 *
 * <p>Before anything is read the path must name a regular file (a FIFO would block the load forever,
 * a link to {@code /dev/zero} would never end) of at most {@link #MAX_BYTES}; the largest real file of
 * this kind, a tokenizer.json of a 128k-token vocabulary, is about 9 MB.
 */
public final class JsonFile {

    /** Far above any real config or tokenizer file; bounds what a hostile file can make the parser hold. */
    public static final long MAX_BYTES = 64L << 20;

    private static final TypeAdapter<JsonElement> TREE = new Gson().getAdapter(JsonElement.class);

    /** Makes the loader's own exception type for a message about {@code file}. */
    @FunctionalInterface
    public interface Errors {
        LoadException at(Path file, String message);
    }

    private JsonFile() {
    }

    /** The top-level object of {@code file}, with typed access whose errors are made by {@code errors}. */
    public static JsonFields readObject(Path file, Errors errors) {
        JsonElement root = parse(file, read(file, errors), errors);
        if (!root.isJsonObject()) {
            throw errors.at(file, "must hold a JSON object at the top level");
        }
        return new JsonFields(file, "", root.getAsJsonObject(), errors);
    }

    private static byte[] read(Path file, Errors errors) {
        return SmallFile.read(file, MAX_BYTES, "a config or tokenizer JSON file", errors);
    }

    private static JsonElement parse(Path file, byte[] bytes, Errors errors) {
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF) {
            throw errors.at(file, "starts with a UTF-8 byte order mark, which Python's json and Hugging Face "
                    + "refuse; save the file as UTF-8 without a BOM");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw errors.at(file, "is not valid UTF-8");
        }
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement root = TREE.read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw errors.at(file, "not valid JSON: content after the top-level value");
            }
            return root;
        } catch (IOException | JsonParseException | IllegalStateException | NumberFormatException e) {
            throw errors.at(file, "not valid JSON: " + parserMessage(e));
        } catch (StackOverflowError e) {
            throw errors.at(file, "not valid JSON: nested too deeply");
        }
    }

    /**
     * What the parser said, without its advice to programmers (switching the parser to lenient mode,
     * a troubleshooting link), which means nothing to someone whose model file is broken.
     */
    public static String parserMessage(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int see = message.indexOf("\nSee https://");
        if (see >= 0) {
            message = message.substring(0, see);
        }
        return message.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON",
                "malformed JSON (comments, unquoted or single-quoted strings, NaN and trailing commas are not JSON)");
    }
}
