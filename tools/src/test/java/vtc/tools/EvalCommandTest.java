package vtc.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtc.eval.Answer;
import vtc.eval.AnswersFile;
import vtc.fixtures.Fixtures;

/** {@code vtc eval} on the tiny model with the question file shipped in {@code examples/questions}. */
class EvalCommandTest {

    static final Path QUESTIONS = Fixtures.root().getParent().resolve("examples/questions/tiny.jsonl");
    static final Path IMAGES = Cli.TINY.resolve("golden");

    /** The scores are recomputed here from the per-question answers the report lists. */
    @Test
    void scoresFollowFromTheAnswersAndTheAnswersFileHoldsThem(@TempDir Path dir) {
        Path answersFile = dir.resolve("answers.jsonl");
        JsonObject report = Cli.run("eval", "--model", Cli.TINY.toString(), "--questions", QUESTIONS.toString(),
                "--images", IMAGES.toString(), "--keep", "16", "--threads", "1", "--answers", answersFile.toString(),
                "--json").json();
        assertEquals("vtc-cls(K=3, U=16)", report.get("setting").getAsString());
        assertEquals("vtc-cls", report.get("method").getAsString());
        assertEquals("16", report.get("keep").getAsString());
        int tp = 0, fp = 0, tn = 0, fn = 0, exact = 0, exactCorrect = 0;
        var items = report.getAsJsonArray("items");
        for (int i = 0; i < items.size(); i++) {
            JsonObject item = items.get(i).getAsJsonObject();
            assertEquals(i + 1, item.get("question_id").getAsInt(), "answers in question-file order");
            assertTrue(item.get("prompt").getAsString().startsWith("Is there") || i == 4, item.toString());
            assertEquals(16, item.getAsJsonObject("metadata").get("kept_tokens").getAsInt());
            if (item.has("label")) {
                boolean yes = item.get("prediction").getAsString().equals("yes");
                boolean actual = item.get("label").getAsString().equals("yes");
                String firstSentence = item.get("text").getAsString().split("\\.", 2)[0].replace(",", "");
                assertEquals(!List.of(firstSentence.split(" ")).stream().anyMatch(w -> w.equals("no")
                        || w.equals("No") || w.equals("not")), yes, item.toString());
                if (yes && actual) tp++;
                if (yes && !actual) fp++;
                if (!yes && !actual) tn++;
                if (!yes && actual) fn++;
            } else {
                exact++;
                exactCorrect += item.get("correct").getAsBoolean() ? 1 : 0;
            }
        }
        assertEquals(5, report.get("questions").getAsInt());
        assertEquals(0, report.get("failed").getAsInt());
        assertEquals(4, tp + fp + tn + fn);
        assertEquals(1, exact);
        assertEquals((tp + tn) / 4.0, report.get("accuracy").getAsDouble(), 1e-12);
        double precision = tp + fp == 0 ? 0 : tp / (double) (tp + fp);
        double recall = tp / 2.0;
        assertEquals(precision, report.get("precision").getAsDouble(), 1e-12);
        assertEquals(recall, report.get("recall").getAsDouble(), 1e-12);
        assertEquals(precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall),
                report.get("f1").getAsDouble(), 1e-12);
        assertEquals(exactCorrect, report.get("exact_match").getAsDouble(), 1e-12);
        assertTrue(report.get("mean_latency_ms").getAsDouble() > 0);
        assertEquals(3, report.get("prefix_cache_hits").getAsInt(),
                "questions grouped by image: 3 of image1's and 2 of image2's, so 3 follow-ups reuse the image's prompt");

        List<Answer> written = AnswersFile.read(answersFile);
        assertEquals(5, written.size());
        for (int i = 0; i < 5; i++) {
            JsonObject item = items.get(i).getAsJsonObject();
            Answer a = written.get(i);
            assertEquals(item.get("text").getAsString(), a.text());
            assertEquals(item.get("prompt").getAsString(), a.prompt());
            assertEquals(Integer.toString(i + 1), a.questionId().value());
            assertTrue(a.questionId().numeric(), "a numeric question_id stays a number");
            assertEquals("tiny-llava", a.modelId());
        }
    }

    @Test
    void textReportNamesTheSettingAndFormatsTheFigures() {
        Cli run = Cli.run("eval", "--model", Cli.TINY.toString(), "--questions", QUESTIONS.toString(),
                "--images", IMAGES.toString(), "--method", "uniform", "--keep", "0.25", "--threads", "1");
        assertEquals(0, run.code(), run.toString());
        String out = run.out();
        assertTrue(out.startsWith("vtc eval: tiny-llava, uniform(U=0.25), 5 questions about 2 images"), out);
        assertTrue(out.matches("(?s).*POPE \\(4 yes/no\\) +accuracy \\d+\\.\\d %.*"), out);
        assertTrue(out.matches("(?s).*latency +\\d+\\.\\d ms per answer.*"), out);
        assertTrue(out.contains("kept visual tokens  16.0 of 64"), out);
        assertFalse(out.matches("(?s).*\\d\\.\\d{5,}.*"), "no raw doubles: " + out);
    }

    @Test
    void aMissingImageFailsItsQuestionsOnlyAndIsReported(@TempDir Path dir) throws Exception {
        Path questions = dir.resolve("q.jsonl");
        Files.writeString(questions, """
                {"question_id": "a", "image": "image1.png", "text": "Is there a dog in the image?", "label": "no"}
                {"question_id": "b", "image": "missing.png", "text": "Is there a cat in the image?", "label": "no"}
                """);
        Path answersFile = dir.resolve("out/answers.jsonl");
        Cli run = Cli.run("eval", "--model", Cli.TINY.toString(), "--questions", questions.toString(),
                "--images", IMAGES.toString(), "--threads", "1", "--answers", answersFile.toString());
        assertEquals(1, run.code(), run.toString());
        assertTrue(run.err().lines().anyMatch(l -> l.startsWith("vtc eval: question b (line 2) failed: "
                + IMAGES.resolve("missing.png"))), run.err());
        List<Answer> written = AnswersFile.read(answersFile);
        assertFalse(written.get(0).failed());
        assertEquals("a", written.get(0).questionId().value());
        assertFalse(written.get(0).questionId().numeric());
        assertTrue(written.get(1).failed());
        assertEquals("", written.get(1).text());
        assertTrue(run.out().contains("1 answered, 1 failed"), run.out());
    }

    @Test
    void malformedQuestionLineNamesFileAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("q.jsonl");
        Files.writeString(file, "{\"image\": \"image1.png\", \"text\": \"Is it?\", \"label\": \"maybe\"}\n");
        Cli run = Cli.run("eval", "--model", Cli.TINY.toString(), "--questions", file.toString(),
                "--images", IMAGES.toString());
        assertEquals(1, run.code());
        assertEquals("vtc eval: " + file + ": line 1: label must be \"yes\" or \"no\", got \"maybe\"", run.err().strip());
    }

    @Test
    void aQuestionFileThatIsNotJsonSaysSoWithoutParserInternals(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("q.jsonl");
        Files.writeString(file, "{\"image\": \"image1.png\", \"text\": \"ok\"}\nimage1.png,Is it?\n");
        Cli run = Cli.run("eval", "--model", Cli.TINY.toString(), "--questions", file.toString(),
                "--images", IMAGES.toString());
        assertEquals(1, run.code());
        assertEquals("vtc eval: " + file + ": line 2: not valid JSON (each line of a question file is one JSON object)",
                run.err().strip());
    }
}
