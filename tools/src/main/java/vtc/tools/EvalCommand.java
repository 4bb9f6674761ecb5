package vtc.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.prune.TokenSelector;
import vtc.loaders.LoadException;
import vtc.api.Llava;

/**
 * {@code vtc eval}: accuracy of a question file under a pruning setting. POPE-style lines
 * ({@code "label": "yes"|"no"}) give accuracy, precision, recall and F1 with "yes" as the positive
 * class; lines with an {@code "answer"} are scored by normalised exact match.
 */
final class EvalCommand implements Command {

    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "accuracy / F1 of a question file (POPE yes/no or exact match) with mean latency";
    }

    @Override
    public String help() {
        return """
                usage: vtc eval --model DIR --questions FILE.jsonl --images DIR [--method M --layers K --keep U]

                Each line of FILE.jsonl is one JSON object:
                  {"question_id": 1, "image": "x.jpg", "text": "Is there a dog in the image?", "label": "yes"}
                      POPE: the first sentence of the answer is "no" if it holds the word no/not, else "yes";
                      reports accuracy, precision, recall, F1 (positive = yes) and the yes ratio
                  {"image": "x.jpg", "text": "What colour is the car?", "answer": "red"}
                      exact match after lower-casing, removing punctuation and articles

                  --method M --layers K --keep U --seed S   pruning (default: vtc-cls, K 3, U 64); also
                                                           fastv, prumerge, prumerge+ (--top T --stride S),
                                                           random, uniform, none
                  --max-new-tokens N                        default 16
                  --template T                              llava-hf (default) | vicuna_v1
                  --preprocess pad|crop, --threads N
                  --json                                    metrics and every answer as one JSON object
                """;
    }

    @Override
    public Set<String> valuedOptions() {
        Set<String> names = new HashSet<>(Set.of("questions", "images", "max-new-tokens", "template", "preprocess"));
        names.addAll(ModelArguments.OPTIONS);
        names.addAll(PruningArguments.OPTIONS);
        return names;
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("json");
    }

    /** One line of the question file. {@code label} is "yes"/"no" or null; then {@code answer} is set. */
    private record Question(String id, String image, String text, String label, String answer) {
    }

    @Override
    public int run(CommandLine line, Terminal terminal) throws IOException {
        line.positionals(0, "no positional arguments");
        Path file = Path.of(line.required("questions"));
        Path images = Path.of(line.required("images"));
        TokenSelector selector = PruningArguments.selector(line, "vtc-cls");
        GenerationOptions options = new GenerationOptions(line.integer("max-new-tokens", 16, 1), 0, 1, 0, true);
        List<Question> questions = read(file);
        if (!Files.isDirectory(images)) {
            throw new LoadException(images, "not a directory of images");
        }
        Tally tally = new Tally();
        JsonArray items = new JsonArray();
        try (Llava llava = ModelArguments.load(line, terminal)) {
            for (int i = 0; i < questions.size(); i++) {
                Question q = questions.get(i);
                terminal.progress("  question " + (i + 1) + "/" + questions.size());
                Llava.Request request = Llava.Request.of(images.resolve(q.image()), q.text())
                        .withPreprocess(ModelArguments.preprocess(line))
                        .withTemplate(GenerateCommand.template(line))
                        .withOptions(options)
                        .withSelector(selector);
                Llava.Result r = llava.generate(request, null);
                var timings = r.generation().timings();
                double latency = timings.firstTokenMs() + timings.decodeMs();
                items.add(tally.add(q, r.text(), latency));
            }
        }
        JsonObject metrics = tally.metrics();
        if (line.flag("json")) {
            metrics.add("items", items);
            terminal.out().println(RunReport.toJson(metrics));
        } else {
            for (var e : metrics.entrySet()) {
                terminal.out().printf("%-22s %s%n", e.getKey(), e.getValue());
            }
        }
        return Main.OK;
    }

    private static List<Question> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new LoadException(file, "no such question file");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Question> questions = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            if (!lines.get(n).isBlank()) {
                questions.add(parse(file, n + 1, lines.get(n)));
            }
        }
        if (questions.isEmpty()) {
            throw new LoadException(file, "holds no questions");
        }
        return questions;
    }

    private static Question parse(Path file, int lineNumber, String text) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(text);
            if (!e.isJsonObject()) {
                throw new LoadException(file, "line " + lineNumber + ": expected a JSON object");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new LoadException(file, "line " + lineNumber + ": not valid JSON: " + e.getMessage());
        }
        String image = string(o, "image", file, lineNumber);
        String question = string(o, "text", file, lineNumber);
        String id = o.has("question_id") ? o.get("question_id").getAsString() : Integer.toString(lineNumber);
        if (o.has("label")) {
            String label = string(o, "label", file, lineNumber).strip().toLowerCase(java.util.Locale.ROOT);
            if (!label.equals("yes") && !label.equals("no")) {
                throw new LoadException(file, "line " + lineNumber + ": label must be \"yes\" or \"no\", got \"" + label + "\"");
            }
            return new Question(id, image, question, label, null);
        }
        if (o.has("answer")) {
            return new Question(id, image, question, null, string(o, "answer", file, lineNumber));
        }
        throw new LoadException(file, "line " + lineNumber + ": needs a \"label\" (yes/no) or an \"answer\"");
    }

    private static String string(JsonObject o, String field, Path file, int lineNumber) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new LoadException(file, "line " + lineNumber + ": \"" + field + "\" must be a string");
        }
        return e.getAsString();
    }

    /** Running counts of the yes/no confusion matrix, exact matches and latency. */
    private static final class Tally {
        int truePositive;
        int falsePositive;
        int trueNegative;
        int falseNegative;
        int exactTotal;
        int exactCorrect;
        double latencySum;
        int count;

        JsonObject add(Question q, String text, double latencyMs) {
            JsonObject item = new JsonObject();
            item.addProperty("question_id", q.id());
            item.addProperty("text", text);
            item.addProperty("latency_ms", latencyMs);
            boolean correct;
            if (q.label() != null) {
                boolean predictedYes = AnswerScoring.saysYes(text);
                boolean actualYes = q.label().equals("yes");
                correct = predictedYes == actualYes;
                if (predictedYes) {
                    if (actualYes) { truePositive++; } else { falsePositive++; }
                } else {
                    if (actualYes) { falseNegative++; } else { trueNegative++; }
                }
                item.addProperty("label", q.label());
                item.addProperty("prediction", predictedYes ? "yes" : "no");
            } else {
                correct = AnswerScoring.normalize(text).equals(AnswerScoring.normalize(q.answer()));
                exactTotal++;
                exactCorrect += correct ? 1 : 0;
                item.addProperty("answer", q.answer());
            }
            item.addProperty("correct", correct);
            latencySum += latencyMs;
            count++;
            return item;
        }

        JsonObject metrics() {
            JsonObject m = new JsonObject();
            m.addProperty("questions", count);
            int yesNo = truePositive + falsePositive + trueNegative + falseNegative;
            if (yesNo > 0) {
                double precision = ratio(truePositive, truePositive + falsePositive);
                double recall = ratio(truePositive, truePositive + falseNegative);
                m.addProperty("yes_no_questions", yesNo);
                m.addProperty("accuracy", ratio(truePositive + trueNegative, yesNo));
                m.addProperty("precision", precision);
                m.addProperty("recall", recall);
                m.addProperty("f1", precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
                m.addProperty("yes_ratio", ratio(truePositive + falsePositive, yesNo));
            }
            if (exactTotal > 0) {
                m.addProperty("exact_match_questions", exactTotal);
                m.addProperty("exact_match", ratio(exactCorrect, exactTotal));
            }
            m.addProperty("mean_latency_ms", latencySum / count);
            return m;
        }

        private static double ratio(int a, int b) {
            return b == 0 ? 0 : (double) a / b;
        }
    }
}
