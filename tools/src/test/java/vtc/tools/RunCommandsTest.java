package vtc.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench} and {@code eval} on the tiny model: structure, and metrics that agree with the answers. */
class RunCommandsTest {

    @Test
    void benchTimesTheBaselineAndEverySetting() {
        Cli run = Cli.run("bench", "--model", Cli.TINY.toString(), "--keep", "576,16", "--runs", "3", "--warmup", "1",
                "--max-new-tokens", "3", "--threads", "1", "--output", "json");
        JsonObject report = run.json();
        assertEquals(3, report.get("runs").getAsInt());
        assertEquals(1, report.get("warm_up_rounds").getAsInt());
        JsonArray settings = report.getAsJsonArray("settings");
        assertEquals(3, settings.size());
        int[] expectedKept = {64, 64, 16}; // none, U=576 capped at N = 64, U=16
        for (int i = 0; i < 3; i++) {
            JsonObject s = settings.get(i).getAsJsonObject();
            assertEquals(expectedKept[i], s.get("kept").getAsInt(), s.get("setting").getAsString());
            for (String figure : new String[] {"preprocess_ms", "vision_ms", "prune_ms", "prefill_ms", "first_token_ms",
                    "decode_tokens_per_s", "first_token_speedup", "prefill_speedup"}) {
                JsonObject f = s.getAsJsonObject(figure);
                double min = f.get("min").getAsDouble();
                double max = f.get("max").getAsDouble();
                assertTrue(min <= f.get("median").getAsDouble() && f.get("median").getAsDouble() <= max, figure);
                assertTrue(min <= f.get("mean").getAsDouble() && f.get("mean").getAsDouble() <= max, figure);
                assertTrue(f.get("stddev").getAsDouble() >= 0, figure);
            }
        }
        // The baseline's speedup over itself is taken run by run: exactly 1 in every repetition.
        JsonObject self = settings.get(0).getAsJsonObject().getAsJsonObject("prefill_speedup");
        assertEquals(1.0, self.get("min").getAsDouble(), 0);
        assertEquals(1.0, self.get("max").getAsDouble(), 0);
        // 2 warm-up-or-timed steps per setting and repetition, each announced on stderr with a time estimate.
        assertEquals(3 * (1 + 3), run.err().lines().filter(l -> l.startsWith("[")).count(), run.err());
        assertTrue(run.err().contains("left"), run.err());
    }

    @Test
    void benchWritesMarkdownAndCsv() {
        Cli md = Cli.run("bench", "--model", Cli.TINY.toString(), "--keep", "16", "--runs", "2", "--max-new-tokens",
                "2", "--threads", "1", "--output", "md", "--quiet");
        assertEquals(0, md.code(), md.toString());
        assertEquals("", md.err());
        assertTrue(md.out().contains("| setting | kept |"), md.out());
        assertTrue(md.out().contains("| none | 64/64 |"), md.out());
        assertTrue(md.out().contains("rotated order"), md.out());
        Cli csv = Cli.run("bench", "--model", Cli.TINY.toString(), "--keep", "16", "--runs", "2", "--max-new-tokens",
                "2", "--threads", "1", "--output", "csv", "--quiet");
        List<String> lines = csv.out().lines().toList();
        assertEquals(3, lines.size(), csv.out());
        assertTrue(lines.get(0).startsWith("setting,kept,image_rows,image_tokens,runs,preprocess_ms_median,"), lines.get(0));
        for (String l : lines) {
            assertEquals(lines.get(0).split(",").length, l.split(",").length, l);
        }
        assertTrue(lines.get(2).startsWith("vtc-cls U=16,16,16,64,2,"), lines.get(2));
        Cli bad = Cli.run("bench", "--model", Cli.TINY.toString(), "--output", "xml");
        assertEquals(2, bad.code());
    }

    /** Each repetition starts one setting later: over n repetitions every setting runs first once. */
    @Test
    void settingsOrderRotatesBetweenRepetitions() {
        assertArrayEquals(new int[] {0, 1, 2}, InterleavedRuns.order(3, 0));
        assertArrayEquals(new int[] {1, 2, 0}, InterleavedRuns.order(3, 1));
        assertArrayEquals(new int[] {2, 0, 1}, InterleavedRuns.order(3, 2));
        assertArrayEquals(new int[] {0, 1, 2}, InterleavedRuns.order(3, 3));
    }

    @Test
    void spreadOfRepetitions() {
        Spread s = Spread.of(new double[] {4, 1, 3, 2});
        assertEquals(2.5, s.median(), 0);
        assertEquals(1, s.min(), 0);
        assertEquals(4, s.max(), 0);
        assertEquals(2.5, s.mean(), 0);
        assertEquals(Math.sqrt(5.0 / 3), s.stddev(), 1e-15); // sample deviation: squares 2.25+0.25+0.25+2.25 over n-1
        assertEquals("2.50 (1.00–4.00)", s.format("%.2f"));
        assertEquals("7.0", Spread.of(new double[] {7}).format("%.1f"));
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
