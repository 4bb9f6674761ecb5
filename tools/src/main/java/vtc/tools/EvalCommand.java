package vtc.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import vtc.eval.Answer;
import vtc.eval.AnswerScoring;
import vtc.eval.AnswersFile;
import vtc.eval.EvalOptions;
import vtc.eval.PruningSetting;
import vtc.eval.Question;
import vtc.eval.QuestionAnswerer;
import vtc.eval.QuestionFile;
import vtc.eval.Scores;
import vtc.loaders.LoadException;
import vtc.api.Llava;

/**
 * {@code vtc eval}: answers a question file in LLaVA's {@code model_vqa_loader} format under one
 * pruning setting, writes LLaVA's answers file ({@code --answers}) for the official scorers, and
 * scores the questions that carry their own ground truth (POPE {@code label}, or {@code answer}).
 */
final class EvalCommand implements Command {

    /** Enough for one image's prompt prefix of the 7B model unpruned (~600 tokens of F32 KV cache). */
    static final int DEFAULT_PREFIX_CACHE_MB = 1024;

    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "answer a LLaVA question file; POPE / exact-match scores, latency, LLaVA's answers file";
    }

    @Override
    public String help() {
        return """
                usage: vtc eval --model DIR --questions FILE.jsonl --images DIR [--answers OUT.jsonl]
                                [--method M --layers K --keep U]

                FILE.jsonl is a question file in LLaVA's model_vqa_loader format, one JSON object a line:
                  {"question_id": 1, "image": "x.jpg", "text": "Is there a dog in the image?", "category": "random"}
                "text" is the question; "category" is optional. Two optional fields are scored here:
                  "label": "yes" | "no"   POPE, read as LLaVA's eval_pope.py reads answers; reports
                                          accuracy, precision, recall, F1 (positive = yes), yes ratio
                  "answer": "red"         exact match after lower-casing, removing punctuation and articles
                Questions about the same image are answered together (the image is preprocessed once).

                  --answers OUT.jsonl                       LLaVA's answers file ("question_id", "prompt" = the
                                                            question, "text" = the answer, "answer_id", "model_id",
                                                            "metadata"), in question order, for the official scorers
                  --method M --layers K --keep U --seed S   pruning (default: vtc-cls, K 3, U 64); also
                                                            fastv, prumerge, prumerge+ (--top T --stride S),
                                                            random, uniform, none
                  --max-new-tokens N                        default 16 (greedy decoding)
                  --prefix-cache MB                         keep each image's prompt up to its image tokens for the
                                                            next question about it, so the ViT runs once per image
                                                            (not for FastV, whose choice reads the question);
                                                            default 1024, 0 = off
                  --template T                              llava-hf (default) | vicuna_v1 (LLaVA's evaluation prompt)
                  --preprocess pad|crop, --threads N
                  --json                                    the scores and every answer as one JSON object

                A question whose image cannot be read, or whose prompt the model refuses, is reported on
                stderr and in the answers file (empty "text", "metadata.error"); the rest go on, and the
                exit status is 1.
                """;
    }

    @Override
    public Set<String> valuedOptions() {
        Set<String> names = new HashSet<>(Set.of("questions", "images", "answers", "max-new-tokens", "template",
                "preprocess", "prefix-cache"));
        names.addAll(ModelArguments.OPTIONS);
        names.addAll(PruningArguments.OPTIONS);
        return names;
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("json");
    }

    @Override
    public int run(CommandLine line, Terminal terminal) throws IOException {
        line.positionals(0, "no positional arguments");
        Path file = Path.of(line.required("questions"));
        Path images = Path.of(line.required("images"));
        Path answersFile = line.value("answers") == null ? null : Path.of(line.value("answers"));
        PruningSetting setting = PruningSetting.of(PruningArguments.selector(line, "vtc-cls"));
        EvalOptions options = new EvalOptions(GenerateCommand.template(line), ModelArguments.preprocess(line),
                line.integer("max-new-tokens", 16, 1));
        List<Question> questions = QuestionFile.read(file);
        if (!Files.isDirectory(images)) {
            throw new LoadException(images, "not a directory of images");
        }
        Path modelDir = ModelArguments.modelDir(line);
        String modelId = QuestionAnswerer.modelId(modelDir);
        long prefixCacheBytes = ModelArguments.prefixCacheBytes(line, DEFAULT_PREFIX_CACHE_MB);
        List<Answer> answers;
        long prefixHits;
        try (Llava llava = ModelArguments.load(line, terminal, prefixCacheBytes)) {
            QuestionAnswerer answerer = new QuestionAnswerer(llava, modelId, images, options);
            int total = questions.size();
            answers = answerer.answerAll(questions, List.of(setting),
                    done -> terminal.progress("  answered " + done + "/" + total)).get(setting);
            prefixHits = llava.prefixCache() == null ? 0 : llava.prefixCache().hits();
        }
        if (answersFile != null) {
            AnswersFile.write(answersFile, answers);
        }
        Scores scores = new Scores();
        JsonArray items = new JsonArray();
        for (int i = 0; i < questions.size(); i++) {
            Question q = questions.get(i);
            Answer a = answers.get(i);
            Boolean correct = scores.add(q.label(), q.answer(), a);
            items.add(item(q, a, correct));
            if (a.failed()) {
                terminal.err().println("vtc eval: question " + q.id() + " (line " + q.line() + ") failed: "
                        + a.metadata().error());
            }
        }
        if (line.flag("json")) {
            JsonObject report = new JsonObject();
            report.addProperty("model_id", modelId);
            report.addProperty("setting", setting.label());
            report.addProperty("method", PruningArguments.method(line, "vtc-cls").methodName());
            report.addProperty("keep", line.value("keep"));
            scores.toJson().entrySet().forEach(e -> report.add(e.getKey(), e.getValue()));
            report.addProperty("prefix_cache_hits", prefixHits);
            if (answersFile != null) {
                report.addProperty("answers_file", answersFile.toString());
            }
            report.add("items", items);
            terminal.out().println(RunReport.toJson(report));
        } else {
            terminal.out().printf("vtc eval: %s, %s, %d questions about %d images%n", modelId, setting.label(),
                    questions.size(), imageCount(questions));
            terminal.out().print(scores.toText());
            if (prefixCacheBytes > 0) {
                terminal.out().printf("  prefix cache        %d of %d questions reused their image's prompt%n", prefixHits,
                        questions.size());
            }
            if (answersFile != null) {
                terminal.out().println("  answers file        " + answersFile + " (LLaVA's format)");
            }
        }
        return scores.failed() > 0 ? Main.FAILED : Main.OK;
    }

    /** An answer's line with how it was scored: {@code label}/{@code answer}, {@code prediction}, {@code correct}. */
    private static JsonObject item(Question q, Answer a, Boolean correct) {
        JsonObject item = JsonParser.parseString(AnswersFile.line(a)).getAsJsonObject();
        if (q.category() != null) {
            item.addProperty("category", q.category());
        }
        if (q.label() != null) {
            item.addProperty("label", q.label());
            if (!a.failed()) {
                item.addProperty("prediction", AnswerScoring.saysYes(a.text()) ? "yes" : "no");
            }
        } else if (q.answer() != null) {
            item.addProperty("answer", q.answer());
        }
        if (correct != null) {
            item.addProperty("correct", correct);
        }
        return item;
    }

    private static int imageCount(List<Question> questions) {
        Set<String> images = new LinkedHashSet<>();
        questions.forEach(q -> images.add(q.image()));
        return images.size();
    }
}
