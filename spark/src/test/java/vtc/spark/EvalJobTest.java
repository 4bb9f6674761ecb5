package vtc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtc.eval.Answer;
import vtc.eval.AnswersFile;
import vtc.eval.PruningSetting;
import vtc.fixtures.Fixtures;

/**
 * The job in Spark's local mode with two task threads, on the tiny model: the same answers as
 * {@code vtc eval}, bad lines reported without failing the job, the output read back by the
 * answers-file reader.
 */
class EvalJobTest {

    static final Path TINY = Fixtures.model(Fixtures.TINY_LLAVA);
    static final Path IMAGES = TINY.resolve("golden");
    static final Path QUESTIONS = Fixtures.root().getParent().resolve("examples/questions/tiny.jsonl");
    static final String MAX_NEW_TOKENS = "4";

    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("EvalJobTest")
                .config("spark.ui.enabled", false)
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", 2)
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static JobSpec spec(Path questions, Path out, String... more) {
        return spec(questions, IMAGES, out, more);
    }

    private static JobSpec spec(Path questions, Path images, Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--questions", questions.toString(),
                "--images", images.toString(), "--model", TINY.toString(), "--out", out.toString(),
                "--max-new-tokens", MAX_NEW_TOKENS, "--threads", "1"));
        args.addAll(List.of(more));
        return JobSpec.parse(args.toArray(String[]::new));
    }

    private static Path folder(Path out, PruningSetting s) {
        return out.resolve("setting=" + s.fileName());
    }

    /** Runs {@code vtc eval} in-process and returns the answers file it wrote. */
    private static List<Answer> vtcEval(Path dir, String... pruning) {
        Path answers = dir.resolve("vtc-eval-" + String.join("-", pruning) + ".jsonl");
        List<String> args = new java.util.ArrayList<>(List.of("eval", "--model", TINY.toString(),
                "--questions", QUESTIONS.toString(), "--images", IMAGES.toString(), "--answers", answers.toString(),
                "--max-new-tokens", MAX_NEW_TOKENS, "--threads", "1"));
        args.addAll(List.of(pruning));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = vtc.tools.Main.run(args.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        return AnswersFile.read(answers);
    }

    @Test
    void answersEqualVtcEvalForEverySettingOfTheSweep(@TempDir Path dir) {
        Path out = dir.resolve("out");
        JobSpec spec = spec(QUESTIONS, out, "--method", "vtc-cls,none", "--keep", "16");
        JobSummary summary = EvalJob.run(spark, spec);
        assertEquals(List.of("vtc-cls(K=3, U=16)", "none"), spec.settings().stream().map(PruningSetting::label).toList());
        assertTrue(Files.exists(out.resolve("_SUCCESS")), "committed");
        assertEquals(10, summary.answers());

        List<List<Answer>> expected = List.of(vtcEval(dir, "--keep", "16"), vtcEval(dir, "--method", "none"));
        for (int s = 0; s < 2; s++) {
            List<Answer> job = AnswersFile.read(folder(out, spec.settings().get(s)));
            List<Answer> local = expected.get(s);
            assertEquals(5, job.size());
            for (int i = 0; i < 5; i++) {
                Answer a = job.get(i);
                Answer b = local.get(i);
                assertEquals(b.questionId(), a.questionId(), "question-file order");
                assertEquals(b.prompt(), a.prompt());
                assertEquals(b.text(), a.text(), "answer of question " + b.questionId());
                assertEquals(b.answerId(), a.answerId());
                assertEquals(b.modelId(), a.modelId());
                assertEquals(b.metadata().setting(), a.metadata().setting());
                assertEquals(b.metadata().keptTokens(), a.metadata().keptTokens());
                assertEquals(b.metadata().line(), a.metadata().line());
                assertFalse(a.failed());
            }
            var scores = summary.scores().get(spec.settings().get(s).label());
            assertEquals(5, scores.answered());
            assertEquals(s == 1 ? 64 : 16, scores.meanKeptTokens(), 0);
        }
        int perExecutor = summary.executors().stream().mapToInt(JobSummary.ExecutorThroughput::answers).sum();
        assertEquals(10, perExecutor, "every answer is counted by the executor that made it");
        assertTrue(Files.isRegularFile(out.resolve(EvalJob.SUMMARY_FILE)));
    }

    @Test
    void badLinesAndImagesFailTheirQuestionsOnlyWithTheReason(@TempDir Path dir) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        Files.copy(IMAGES.resolve("image1.png"), images.resolve("image1.png"));
        Files.copy(IMAGES.resolve("image2.jpg"), images.resolve("image2.jpg"));
        byte[] png = Files.readAllBytes(IMAGES.resolve("image1.png"));
        Files.write(images.resolve("broken.png"), java.util.Arrays.copyOf(png, png.length / 2)); // truncated
        Path questions = dir.resolve("q.jsonl");
        Files.writeString(questions, """
                {"question_id": 1, "image": "image1.png", "text": "Is there a dog in the image?", "label": "no"}
                {"question_id": 2, "image": "image1.png", "text": "Is there a cat
                {"question_id": 3, "image": "broken.png", "text": "Is there a car in the image?"}

                {"question_id": 4, "image": "image2.jpg", "prompt": "the question under the wrong name"}
                {"question_id": 5, "image": "image2.jpg", "text": "Is there a car in the image?", "label": "no"}
                {"question_id": 6, "image": "missing.png", "text": "Is there a car in the image?", "label": "no"}
                """);
        Path out = dir.resolve("out");
        JobSpec spec = spec(questions, images, out, "--keep", "8");
        JobSummary summary = EvalJob.run(spark, spec);
        List<Answer> answers = AnswersFile.read(folder(out, spec.settings().getFirst()));
        assertEquals(List.of("1", "2", "3", "4", "5", "6"), answers.stream().map(a -> a.questionId().value()).toList(),
                "every question has its line, in file order (blank lines skipped)");
        assertFalse(answers.get(0).failed());
        assertEquals(questions + ": line 2: not valid JSON (each line of a question file is one JSON object)",
                answers.get(1).metadata().error());
        assertTrue(answers.get(2).metadata().error().startsWith(images.resolve("broken.png").toString()),
                answers.get(2).metadata().error());
        assertTrue(answers.get(5).metadata().error().startsWith(images.resolve("missing.png").toString()),
                answers.get(5).metadata().error());
        assertEquals(questions + ": line 5: \"text\" is missing (the question goes in \"text\", as in LLaVA's question files)",
                answers.get(3).metadata().error());
        assertFalse(answers.get(4).failed());
        assertEquals(8, answers.get(4).metadata().keptTokens());
        var scores = summary.scores().get(spec.settings().getFirst().label());
        assertEquals(4, scores.failed());
        assertEquals(2, scores.yesNoQuestions());
    }

    @Test
    void anExistingOutputFolderIsNeverOverwritten(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EvalJob.run(spark, spec(QUESTIONS, dir)));
        assertEquals(dir + " exists already; the job writes a new folder and never overwrites answers", e.getMessage());
    }

    @Test
    void argumentsSayWhatIsWrong() {
        assertEquals("--out is required", assertThrows(IllegalArgumentException.class,
                () -> JobSpec.parse("--questions", "q", "--images", "i", "--model", "m")).getMessage());
        assertEquals("unknown option --kep", assertThrows(IllegalArgumentException.class,
                () -> JobSpec.parse("--kep", "16")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JobSpec.parse("--questions", "q", "--images", "i",
                "--model", "m", "--out", "o", "--method", "vtc-cls,prumerge++")).getMessage()
                .startsWith("--method: unknown method \"prumerge++\""));
        assertEquals("--layers: prumerge does not take it", assertThrows(IllegalArgumentException.class,
                () -> JobSpec.parse("--questions", "q", "--images", "i", "--model", "m", "--out", "o",
                        "--method", "prumerge", "--layers", "2")).getMessage());
        JobSpec sweep = JobSpec.parse("--questions", "q", "--images", "i", "--model", "m", "--out", "o",
                "--keep", "64,128,192,576");
        assertEquals(List.of("vtc-cls_K3_U64", "vtc-cls_K3_U128", "vtc-cls_K3_U192", "vtc-cls_K3_U576"),
                sweep.settings().stream().map(PruningSetting::fileName).toList());
        JobSpec mixed = JobSpec.parse("--questions", "q", "--images", "i", "--model", "m", "--out", "o",
                "--method", "none,prumerge,fastv", "--keep", "64,128");
        assertEquals(List.of("none", "prumerge", "fastv(K=2, U=64)", "fastv(K=2, U=128)"),
                mixed.settings().stream().map(PruningSetting::label).toList(), "methods without --keep run once");
    }
}
