package vtc.spark;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import vtc.eval.Answer;
import vtc.eval.AnswersFile;
import vtc.eval.PruningSetting;
import vtc.eval.Scores;

/**
 * What a job did: the scores of every setting (as {@code vtc eval} prints them) and the
 * throughput of every executor.
 *
 * @param scores      the scores of every setting, by its label
 * @param wallSeconds the whole job on the driver's clock, from reading the questions to the commit
 */
public record JobSummary(JobSpec spec, List<PruningSetting> settings, Map<String, Scores> scores, List<ExecutorThroughput> executors,
                         int answers, double wallSeconds) {

    /**
     * One executor's share.
     *
     * @param busySeconds the time its tasks spent answering (summed over its images; tasks running
     *                    side by side on one executor both count)
     * @param spanSeconds from its first image's start to its last image's end
     */
    public record ExecutorThroughput(String executor, int answers, int images, double busySeconds, double spanSeconds) {

        /** Answers per second of the executor's span: what the node delivered. */
        public double answersPerSecond() {
            return spanSeconds > 0 ? answers / spanSeconds : Double.NaN;
        }
    }

    /** Builds the summary from the rows of {@link AnswerRows#SCHEMA}, collected on the driver. */
    static JobSummary of(JobSpec spec, List<Row> rows, double wallSeconds) {
        List<PruningSetting> settings = spec.settings();
        Map<String, Scores> byFolder = new LinkedHashMap<>();
        Map<String, Scores> scores = new LinkedHashMap<>();
        for (PruningSetting s : settings) {
            Scores sc = new Scores();
            byFolder.put(s.fileName(), sc);
            scores.put(s.label(), sc);
        }
        List<Row> ordered = new ArrayList<>(rows);
        ordered.sort(java.util.Comparator.comparingLong(r -> r.getLong(1)));
        Map<String, long[]> span = new TreeMap<>();
        Map<String, Integer> answers = new TreeMap<>();
        Map<String, Set<List<Long>>> images = new TreeMap<>();
        for (Row r : ordered) {
            Answer a = AnswersFile.parse(r.getString(2), null, r.getLong(1));
            byFolder.get(r.getString(0)).add(r.getString(6), r.getString(7), a);
            String executor = r.getString(3);
            long started = r.getLong(4);
            long finished = r.getLong(5);
            answers.merge(executor, 1, Integer::sum);
            span.merge(executor, new long[] {started, finished},
                    (x, y) -> new long[] {Math.min(x[0], y[0]), Math.max(x[1], y[1])});
            images.computeIfAbsent(executor, e -> new HashSet<>()).add(List.of(started, finished));
        }
        List<ExecutorThroughput> executors = new ArrayList<>();
        for (String e : answers.keySet()) {
            double busy = images.get(e).stream().mapToLong(t -> t.get(1) - t.get(0)).sum() / 1e3;
            executors.add(new ExecutorThroughput(e, answers.get(e), images.get(e).size(), busy,
                    (span.get(e)[1] - span.get(e)[0]) / 1e3));
        }
        return new JobSummary(spec, settings, scores, executors, rows.size(), wallSeconds);
    }

    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("vtc eval on Spark: %s, %d settings, %d answers in %.1f s (%.2f answers/s)%n",
                spec.modelId(), scores.size(), answers, wallSeconds, answers / wallSeconds));
        for (PruningSetting s : settings) {
            b.append(String.format("%s  →  %s/setting=%s%n", s.label(), spec.out(), s.fileName()));
            b.append(scores.get(s.label()).toText());
        }
        b.append(String.format("%-12s %8s %7s %8s %8s %10s%n", "executor", "answers", "images", "busy s", "span s",
                "answers/s"));
        for (ExecutorThroughput t : executors) {
            b.append(String.format("%-12s %8d %7d %8.1f %8.1f %10.2f%n", t.executor(), t.answers(), t.images(),
                    t.busySeconds(), t.spanSeconds(), t.answersPerSecond()));
        }
        return b.toString();
    }

    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("model_id", spec.modelId());
        o.addProperty("answers", answers);
        o.addProperty("wall_seconds", wallSeconds);
        JsonArray list = new JsonArray();
        for (PruningSetting s : settings) {
            JsonObject j = scores.get(s.label()).toJson();
            j.addProperty("setting", s.label());
            j.addProperty("folder", "setting=" + s.fileName());
            list.add(j);
        }
        o.add("settings", list);
        JsonArray ex = new JsonArray();
        for (ExecutorThroughput t : executors) {
            JsonObject j = new JsonObject();
            j.addProperty("executor", t.executor());
            j.addProperty("answers", t.answers());
            j.addProperty("images", t.images());
            j.addProperty("busy_seconds", t.busySeconds());
            j.addProperty("span_seconds", t.spanSeconds());
            j.addProperty("answers_per_second", t.answersPerSecond());
            ex.add(j);
        }
        o.add("executors", ex);
        return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(o);
    }
}
