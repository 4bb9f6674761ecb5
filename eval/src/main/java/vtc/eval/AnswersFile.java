package vtc.eval;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import vtc.loaders.LoadException;

/**
 * LLaVA's answers-file format, written by {@code vtc eval --answers} and by the Spark job, read
 * back by both and by the tests: one JSON object per line,
 * <pre>{"question_id": 1, "prompt": "Is there a dog?", "text": "No", "answer_id": "…", "model_id": "llava-1.5-7b-hf", "metadata": {…}}</pre>
 * LLaVA's {@code eval_pope.py}, the TextVQA evaluator and the other official scorers read it
 * unchanged. Lines are written in question-file order: the POPE scorer pairs answers with labels
 * by position.
 */
public final class AnswersFile {

    /** No HTML escaping: {@code <} stays {@code <} as in Python's {@code json.dumps}. */
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues().create();

    private AnswersFile() {
    }

    /** One answer as its line, without the line break. */
    public static String line(Answer a) {
        JsonObject o = new JsonObject();
        o.add("question_id", a.questionId().toJson());
        o.addProperty("prompt", a.prompt());
        o.addProperty("text", a.text());
        o.addProperty("answer_id", a.answerId());
        o.addProperty("model_id", a.modelId());
        JsonObject m = new JsonObject();
        Answer.Metadata md = a.metadata();
        if (md.setting() != null) {
            m.addProperty("setting", md.setting());
            m.addProperty("line", md.line());
            m.addProperty("kept_tokens", md.keptTokens());
            m.addProperty("image_tokens", md.imageTokens());
            m.addProperty("latency_ms", round(md.latencyMs()));
            m.addProperty("first_token_ms", round(md.firstTokenMs()));
        }
        if (md.error() != null) {
            m.addProperty("error", md.error());
        }
        o.add("metadata", m);
        return GSON.toJson(o);
    }

    private static double round(double ms) {
        return Double.isFinite(ms) ? Math.round(ms * 1000) / 1000.0 : ms;
    }

    /**
     * One line back into an answer; LLaVA's own lines ({@code "metadata": {}}) read with
     * {@link Answer.Metadata#NONE}'s unknowns.
     *
     * @throws LoadException naming {@code source} and the line
     */
    public static Answer parse(String json, Path source, long line) {
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new LoadException(source, "line " + line + ": expected a JSON object");
            }
            JsonObject o = e.getAsJsonObject();
            QuestionId id = QuestionId.fromJson(o.get("question_id"));
            if (id == null) {
                throw new LoadException(source, "line " + line + ": \"question_id\" must be a number or a string");
            }
            JsonObject m = o.has("metadata") && o.get("metadata").isJsonObject() ? o.getAsJsonObject("metadata")
                    : new JsonObject();
            Answer.Metadata none = Answer.Metadata.NONE;
            Answer.Metadata metadata = new Answer.Metadata(
                    text(m, "setting"),
                    m.has("line") ? m.get("line").getAsLong() : none.line(),
                    m.has("kept_tokens") ? m.get("kept_tokens").getAsInt() : none.keptTokens(),
                    m.has("image_tokens") ? m.get("image_tokens").getAsInt() : none.imageTokens(),
                    m.has("latency_ms") ? m.get("latency_ms").getAsDouble() : none.latencyMs(),
                    m.has("first_token_ms") ? m.get("first_token_ms").getAsDouble() : none.firstTokenMs(),
                    text(m, "error"));
            String text = text(o, "text");
            if (text == null) {
                throw new LoadException(source, "line " + line + ": \"text\" (the answer) is missing");
            }
            return new Answer(id, text(o, "prompt"), text, text(o, "answer_id"), text(o, "model_id"), metadata);
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException | NumberFormatException e) {
            throw new LoadException(source, "line " + line + ": not an answers-file line: " + e.getMessage());
        }
    }

    private static String text(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }

    /**
     * Writes the answers, one per line, through a temporary file moved into place, so that the
     * file is either absent, the previous one, or complete.
     */
    public static void write(Path file, List<Answer> answers) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temporary = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (BufferedWriter w = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                for (Answer a : answers) {
                    w.write(line(a));
                    w.write('\n');
                }
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Reads an answers file, or a directory of {@code part-*} files as Spark writes them, taken in
     * name order (Spark numbers them in the order of the data) and skipping its {@code _SUCCESS}
     * and hidden files.
     */
    public static List<Answer> read(Path fileOrDirectory) {
        List<Path> files;
        if (Files.isDirectory(fileOrDirectory)) {
            try (Stream<Path> s = Files.list(fileOrDirectory)) {
                files = s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
            } catch (IOException e) {
                throw new LoadException(fileOrDirectory, "cannot list the directory: " + e.getMessage());
            }
        } else if (Files.isRegularFile(fileOrDirectory)) {
            files = List.of(fileOrDirectory);
        } else {
            throw new LoadException(fileOrDirectory, "no such answers file or directory");
        }
        List<Answer> answers = new ArrayList<>();
        for (Path f : files) {
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                long n = 0;
                for (String line; (line = r.readLine()) != null; ) {
                    n++;
                    if (!line.isBlank()) {
                        answers.add(parse(line, f, n));
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                throw new LoadException(f, "cannot be read as UTF-8 text: " + e.getMessage());
            }
        }
        return answers;
    }
}
