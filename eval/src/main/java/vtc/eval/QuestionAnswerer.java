package vtc.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vtc.engine.llava.InvalidRequestException;
import vtc.loaders.LoadException;
import vtc.api.Llava;
import vtc.loaders.image.PixelValues;
import vtc.pruning.PruningParameterException;

/**
 * Answers questions with one loaded model, the way both {@code vtc eval} and the Spark job do:
 * the questions about one image are answered together, the image decoded and preprocessed once
 * for all of them and every setting; each question is then its own greedy request.
 *
 * <p>A question that cannot be answered (its image is missing or not an image, its prompt does
 * not fit the model, the setting does not fit the image) becomes a failed answer carrying the reason; the others go on. Anything
 * else (a bug, the heap exhausted) is not the question's fault and propagates.
 */
public final class QuestionAnswerer {

    private final Llava llava;
    private final String modelId;
    private final Path imageFolder;
    private final EvalOptions options;

    /**
     * @param modelId     what the answers name as {@code model_id} (LLaVA uses the model folder's name)
     * @param imageFolder the folder that the questions' {@code image} names are relative to
     */
    public QuestionAnswerer(Llava llava, String modelId, Path imageFolder, EvalOptions options) {
        this.llava = llava;
        this.modelId = modelId;
        this.imageFolder = imageFolder;
        this.options = options;
    }

    /** LLaVA's {@code model_id} for a model folder: the folder's name. */
    public static String modelId(Path modelDir) {
        Path name = modelDir.toAbsolutePath().normalize().getFileName();
        return name == null ? modelDir.toString() : name.toString();
    }

    /**
     * Every question under every setting, grouped by image in order of first appearance; for
     * each setting the answers come back in the order of {@code questions}.
     *
     * @param progress hears the number of questions answered so far after each one (may be null)
     */
    public Map<PruningSetting, List<Answer>> answerAll(List<Question> questions, List<PruningSetting> settings,
                                                      java.util.function.IntConsumer progress) {
        Map<String, List<Question>> byImage = new LinkedHashMap<>();
        for (Question q : questions) {
            byImage.computeIfAbsent(q.image(), k -> new ArrayList<>()).add(q);
        }
        Map<Question, Integer> position = new java.util.IdentityHashMap<>();
        for (int i = 0; i < questions.size(); i++) {
            position.put(questions.get(i), i);
        }
        Map<PruningSetting, Answer[]> ordered = new LinkedHashMap<>();
        settings.forEach(s -> ordered.put(s, new Answer[questions.size()]));
        int done = 0;
        for (var group : byImage.entrySet()) {
            Map<PruningSetting, List<Answer>> answers = answerImage(group.getKey(), group.getValue(), settings);
            for (var e : answers.entrySet()) {
                Answer[] slots = ordered.get(e.getKey());
                for (int i = 0; i < e.getValue().size(); i++) {
                    slots[position.get(group.getValue().get(i))] = e.getValue().get(i);
                }
            }
            done += group.getValue().size() * settings.size();
            if (progress != null) {
                progress.accept(done);
            }
        }
        Map<PruningSetting, List<Answer>> result = new LinkedHashMap<>();
        ordered.forEach((s, a) -> result.put(s, List.of(a)));
        return result;
    }

    /**
     * The questions about one image under every setting, the image preprocessed once. For each
     * setting the answers are in the order of {@code questions}.
     */
    public Map<PruningSetting, List<Answer>> answerImage(String image, List<Question> questions,
                                                         List<PruningSetting> settings) {
        Map<PruningSetting, List<Answer>> result = new LinkedHashMap<>();
        PixelValues pixels = null;
        String imageError = null;
        long start = System.nanoTime();
        try {
            pixels = llava.pixels(Llava.Request.of(imageFolder.resolve(image), questions.getFirst().text())
                    .withPreprocess(options.preprocess()));
        } catch (LoadException | java.nio.file.InvalidPathException e) {
            imageError = e.getMessage();
        }
        double preprocessMs = (System.nanoTime() - start) / 1e6;
        for (PruningSetting setting : settings) {
            List<Answer> answers = new ArrayList<>(questions.size());
            for (int i = 0; i < questions.size(); i++) {
                Question q = questions.get(i);
                answers.add(imageError != null ? failed(q, setting.label(), imageError)
                        : answer(q, pixels, setting, i == 0 ? preprocessMs : 0));
            }
            result.put(setting, answers);
        }
        return result;
    }

    private Answer answer(Question q, PixelValues pixels, PruningSetting s, double preprocessMs) {
        String setting = s.label();
        Llava.Request request = Llava.Request.of(pixels, q.text())
                .withTemplate(options.template())
                .withOptions(options.generation())
                .withSelector(s.selector());
        Llava.Result r;
        try {
            r = llava.generate(request, null);
        } catch (InvalidRequestException | PruningParameterException | LoadException e) {
            return failed(q, setting, e.getMessage());
        }
        double firstToken = preprocessMs + r.generation().timings().firstTokenMs();
        var metadata = new Answer.Metadata(setting, q.line(), r.generation().keptIndices().length, r.generation().imageTokens(),
                firstToken + r.generation().timings().decodeMs(), firstToken, null);
        return new Answer(q.id(), q.text(), r.text().strip(), Answer.answerId(modelId, setting, q.id()), modelId, metadata);
    }

    /** The answer of a question that could not be asked: empty text and the reason. */
    public Answer failed(Question q, String setting, String reason) {
        return failed(q.id(), q.text(), q.line(), setting, reason);
    }

    /** As {@link #failed(Question, String, String)} for a line that is not even a question. */
    public static Answer failed(QuestionId id, String prompt, long line, String modelId, String setting, String reason) {
        return new Answer(id, prompt, "", Answer.answerId(modelId, setting, id), modelId,
                new Answer.Metadata(setting, line, -1, -1, 0, 0, reason));
    }

    private Answer failed(QuestionId id, String prompt, long line, String setting, String reason) {
        return failed(id, prompt, line, modelId, setting, reason);
    }
}
