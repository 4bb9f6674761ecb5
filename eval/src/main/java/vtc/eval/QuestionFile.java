package vtc.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import vtc.loaders.LoadException;

/**
 * Reads question files in LLaVA's {@code model_vqa_loader} format: one JSON object per line,
 * <pre>{"question_id": 1, "image": "COCO_val2014_000000016631.jpg", "text": "Is there a person in the image?", "category": "adversarial"}</pre>
 * {@code question_id} (number or string; the line number when absent), {@code image} and
 * {@code text} (the question) as LLaVA writes them, {@code category} optional. Two optional
 * fields let {@code vtc eval} score without the official scripts: {@code label} ("yes"/"no",
 * POPE) and {@code answer} (exact match). Blank lines are skipped; other fields are ignored.
 */
public final class QuestionFile {

    private QuestionFile() {
    }

    /**
     * Every question of a local file, in file order.
     *
     * @throws LoadException naming the file, and the line for a line that cannot be used
     */
    public static List<Question> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LoadException(file, "no such question file");
        }
        List<Question> questions = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long number = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                number++;
                if (!line.isBlank()) {
                    questions.add(parse(line, number));
                }
            }
        } catch (QuestionFormatException e) {
            throw new LoadException(file, e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            throw new LoadException(file, "cannot be read as UTF-8 text: " + e.getMessage());
        }
        if (questions.isEmpty()) {
            throw new LoadException(file, "holds no questions");
        }
        return questions;
    }

    /**
     * One line of a question file.
     *
     * @param line its 1-based line number
     * @throws QuestionFormatException saying which field is wrong
     */
    public static Question parse(String json, long line) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new QuestionFormatException(line, null, "expected a JSON object, as LLaVA's question files have");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new QuestionFormatException(line, null, "not valid JSON (each line of a question file is one JSON object)");
        }
        QuestionId id = QuestionId.of(line);
        if (o.has("question_id")) {
            id = QuestionId.fromJson(o.get("question_id"));
            if (id == null) {
                throw new QuestionFormatException(line, null, "\"question_id\" must be a number or a string");
            }
        }
        String image = string(o, "image", true, line, id);
        if (image.isBlank()) {
            throw new QuestionFormatException(line, id, "\"image\" is empty");
        }
        String text = string(o, "text", true, line, id);
        String category = string(o, "category", false, line, id);
        String label = string(o, "label", false, line, id);
        if (label != null) {
            label = label.strip().toLowerCase(Locale.ROOT);
            if (!label.equals("yes") && !label.equals("no")) {
                throw new QuestionFormatException(line, id, "label must be \"yes\" or \"no\", got \"" + label + "\"");
            }
        }
        return new Question(line, id, image, text, category, label, string(o, "answer", false, line, id));
    }

    private static String string(JsonObject o, String field, boolean required, long line, QuestionId id) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            if (required) {
                throw new QuestionFormatException(line, id, "\"" + field + "\" is missing"
                        + (field.equals("text") ? " (the question goes in \"text\", as in LLaVA's question files)" : ""));
            }
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new QuestionFormatException(line, id, "\"" + field + "\" must be a string");
        }
        return e.getAsString();
    }
}
