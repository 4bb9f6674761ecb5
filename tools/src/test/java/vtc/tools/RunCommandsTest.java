package vtc.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code bench} and {@code eval} on the tiny model: structure, and metrics that agree with the answers. */
class RunCommandsTest {

    @Test
    void benchTimesTheBaselineAndEverySetting() {
        JsonObject report = Cli.run("bench", "--model", Cli.TINY.toString(), "--keep", "576,16", "--runs", "1",
                "--max-new-tokens", "3", "--threads", "1", "--json").json();
        JsonArray settings = report.getAsJsonArray("settings");
        assertEquals(3, settings.size());
        int[] expectedKept = {64, 64, 16}; // none, U=576 capped at N = 64, U=16
        for (int i = 0; i < 3; i++) {
            JsonObject s = settings.get(i).getAsJsonObject();
            assertEquals(expectedKept[i], s.get("kept").getAsInt(), s.get("setting").getAsString());
            double firstToken = s.get("first_token_ms").getAsDouble();
            JsonObject t = s.getAsJsonObject("timings_ms");
            assertEquals(t.get("preprocess").getAsDouble() + t.get("vision").getAsDouble() + t.get("prune").getAsDouble()
                    + t.get("prefill").getAsDouble(), firstToken, 1e-9);
        }
        assertEquals(1.0, settings.get(0).getAsJsonObject().get("prefill_speedup").getAsDouble(), 0);
    }

    /** The metrics are recomputed here from the per-question predictions the report lists. */
    @Test
    void evalMetricsFollowFromTheAnswers() throws URISyntaxException {
        Path questions = Path.of(getClass().getResource("/tiny-questions.jsonl").toURI());
        JsonObject report = Cli.run("eval", "--model", Cli.TINY.toString(), "--questions", questions.toString(),
                "--images", Cli.TINY.resolve("golden").toString(), "--keep", "16", "--threads", "1", "--json").json();
        int tp = 0, fp = 0, tn = 0, fn = 0, exact = 0, exactCorrect = 0;
        for (JsonElement e : report.getAsJsonArray("items")) {
            JsonObject item = e.getAsJsonObject();
            if (item.has("label")) {
                boolean yes = item.get("prediction").getAsString().equals("yes");
                boolean actual = item.get("label").getAsString().equals("yes");
                String firstSentence = item.get("text").getAsString().split("\\.", 2)[0].toLowerCase();
                assertEquals(!firstSentence.matches("(?s).*\\b(no|not)\\b.*"), yes, item.toString());
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
    }

    @Test
    void answerScoringFollowsPopeAndNormalisesExactMatch() {
        assertTrue(AnswerScoring.saysYes("Yes, there is a dog."));
        assertTrue(!AnswerScoring.saysYes("No. Yes."));
        assertTrue(!AnswerScoring.saysYes("There is not a dog in the image."));
        assertTrue(AnswerScoring.saysYes("There is a dog. Not a cat."), "only the first sentence counts");
        assertTrue(AnswerScoring.saysYes("Nothing else"), "'nothing' is not the word 'no'");
        assertEquals("red car", AnswerScoring.normalize("  The RED car!"));
    }

    @Test
    void malformedQuestionLineNamesFileAndLine(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("q.jsonl");
        java.nio.file.Files.writeString(file, "{\"image\": \"image1.png\", \"text\": \"Is it?\", \"label\": \"maybe\"}\n");
        Cli run = Cli.run("eval", "--model", Cli.TINY.toString(), "--questions", file.toString(),
                "--images", Cli.TINY.resolve("golden").toString());
        assertEquals(1, run.code());
        assertEquals("vtc eval: " + file + ": line 1: label must be \"yes\" or \"no\", got \"maybe\"", run.err().strip());
    }
}
