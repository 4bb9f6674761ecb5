package vtc.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import vtc.api.Llava;

/**
 * The figures of timed settings (see {@link InterleavedRuns}): for each setting and each figure
 * the {@link Spread} over its repetitions. Speedups are taken per repetition — the baseline's
 * time in repetition r over the setting's time in repetition r, both measured within one
 * rotation of each other — and then summarized, so a slow minute that hits both cancels out.
 * Written as a plain table, Markdown, CSV or JSON.
 */
final class BenchReport {

    /** One figure of a run, named as in the CSV and JSON output. */
    private record Figure(String name, String heading, String pattern, ToDoubleFunction<Llava.Result> of) {
    }

    private static final List<Figure> STAGES = List.of(
            new Figure("preprocess_ms", "preprocess ms", "%.2f", r -> r.generation().timings().preprocessMs()),
            new Figure("vision_ms", "vision ms", "%.1f", r -> r.generation().timings().visionMs()),
            new Figure("prune_ms", "prune ms", "%.2f", r -> r.generation().timings().pruneMs()),
            new Figure("prefill_ms", "prefill ms", "%.1f", r -> r.generation().timings().prefillMs()),
            new Figure("first_token_ms", "TTFT ms", "%.1f", r -> r.generation().timings().firstTokenMs()),
            new Figure("decode_tokens_per_s", "decode tok/s", "%.2f", BenchReport::decodeRate));

    /** Figures of one setting. */
    record Row(String label, int kept, int imageRows, int imageTokens, List<Spread> stages, Spread firstTokenSpeedup,
               Spread prefillSpeedup) {
    }

    private final List<Row> rows;
    private final int runs;
    private final int warmUps;

    private BenchReport(List<Row> rows, int runs, int warmUps) {
        this.rows = rows;
        this.runs = runs;
        this.warmUps = warmUps;
    }

    /**
     * @param labels the settings' labels; the first one is the baseline of the speedups
     * @param results per setting, its timed runs in repetition order
     */
    static BenchReport of(List<String> labels, List<List<Llava.Result>> results, int warmUps) {
        List<Llava.Result> base = results.get(0);
        int runs = base.size();
        List<Row> rows = new ArrayList<>();
        for (int s = 0; s < results.size(); s++) {
            List<Llava.Result> runsOf = results.get(s);
            List<Spread> stages = new ArrayList<>();
            for (Figure f : STAGES) {
                stages.add(Spread.of(runsOf.stream().mapToDouble(f.of()).toArray()));
            }
            double[] ttft = new double[runs];
            double[] prefill = new double[runs];
            for (int r = 0; r < runs; r++) {
                ttft[r] = base.get(r).generation().timings().firstTokenMs() / runsOf.get(r).generation().timings().firstTokenMs();
                prefill[r] = base.get(r).generation().timings().prefillMs() / runsOf.get(r).generation().timings().prefillMs();
            }
            Llava.Result last = runsOf.get(runs - 1);
            var g = last.generation();
            rows.add(new Row(labels.get(s), g.keptIndices().length, g.imageRows(), g.imageTokens(), stages, Spread.of(ttft),
                    Spread.of(prefill)));
        }
        return new BenchReport(rows, runs, warmUps);
    }

    List<Row> rows() {
        return rows;
    }

    /** Decode speed of one run: the tokens after the first over the decode time. */
    static double decodeRate(Llava.Result r) {
        var g = r.generation();
        int steps = g.generatedIds().length - 1;
        return steps > 0 && g.timings().decodeMs() > 0 ? steps / (g.timings().decodeMs() / 1000) : 0;
    }

    /** How the figures were taken, for the line above a table. */
    String method() {
        return String.format(Locale.ROOT, "%d warm-up round%s, then %d timed run%s per setting in rotated order; "
                        + "median (min–max)%s", warmUps, warmUps == 1 ? "" : "s", runs, runs == 1 ? "" : "s",
                runs == 1 ? " — one run has no spread: use --runs 5 or more" : "");
    }

    /** A plain table for the terminal: the median and range of the figures that matter. */
    String text() {
        TextTable table = new TextTable(headings());
        for (Row r : rows) {
            table.row(cells(r).toArray());
        }
        return table.toString();
    }

    /** A GitHub Markdown table with the same cells as {@link #text}. */
    String markdown() {
        StringBuilder out = new StringBuilder();
        String[] headings = headings();
        out.append("| ").append(String.join(" | ", headings)).append(" |\n|");
        for (int i = 0; i < headings.length; i++) {
            out.append(i == 0 ? " --- |" : " ---: |");
        }
        out.append('\n');
        for (Row r : rows) {
            out.append("| ").append(String.join(" | ", cells(r))).append(" |\n");
        }
        return out.toString();
    }

    /** One line per setting, every figure as median, min, max, mean and standard deviation. */
    String csv() {
        List<String> header = new ArrayList<>(List.of("setting", "kept", "image_rows", "image_tokens", "runs"));
        List<String> names = new ArrayList<>(STAGES.stream().map(Figure::name).toList());
        names.add("first_token_speedup");
        names.add("prefill_speedup");
        for (String n : names) {
            for (String stat : new String[] {"median", "min", "max", "mean", "stddev"}) {
                header.add(n + "_" + stat);
            }
        }
        StringBuilder out = new StringBuilder(String.join(",", header)).append('\n');
        for (Row r : rows) {
            List<String> cells = new ArrayList<>(List.of(quote(r.label()), String.valueOf(r.kept()),
                    String.valueOf(r.imageRows()), String.valueOf(r.imageTokens()), String.valueOf(runs)));
            for (Spread s : allSpreads(r)) {
                for (double v : new double[] {s.median(), s.min(), s.max(), s.mean(), s.stddev()}) {
                    cells.add(String.format(Locale.ROOT, "%.4f", v));
                }
            }
            out.append(String.join(",", cells)).append('\n');
        }
        return out.toString();
    }

    /** The whole report as JSON: every figure's spread per setting. */
    JsonObject json() {
        JsonObject report = new JsonObject();
        report.addProperty("warm_up_rounds", warmUps);
        report.addProperty("runs", runs);
        report.addProperty("order", "rotated: repetition r starts with setting r mod n");
        JsonArray settings = new JsonArray();
        for (Row r : rows) {
            JsonObject o = new JsonObject();
            o.addProperty("setting", r.label());
            o.addProperty("kept", r.kept());
            o.addProperty("image_rows", r.imageRows());
            o.addProperty("image_tokens", r.imageTokens());
            for (int i = 0; i < STAGES.size(); i++) {
                o.add(STAGES.get(i).name(), json(r.stages().get(i)));
            }
            o.add("first_token_speedup", json(r.firstTokenSpeedup()));
            o.add("prefill_speedup", json(r.prefillSpeedup()));
            settings.add(o);
        }
        report.add("settings", settings);
        return report;
    }

    private static JsonObject json(Spread s) {
        JsonObject o = new JsonObject();
        o.addProperty("median", s.median());
        o.addProperty("min", s.min());
        o.addProperty("max", s.max());
        o.addProperty("mean", s.mean());
        o.addProperty("stddev", s.stddev());
        return o;
    }

    private static List<Spread> allSpreads(Row r) {
        List<Spread> all = new ArrayList<>(r.stages());
        all.add(r.firstTokenSpeedup());
        all.add(r.prefillSpeedup());
        return all;
    }

    private static String[] headings() {
        List<String> h = new ArrayList<>(List.of("setting", "kept"));
        for (Figure f : STAGES) {
            h.add(f.heading());
        }
        h.add("TTFT speedup");
        h.add("prefill speedup");
        return h.toArray(String[]::new);
    }

    private static List<String> cells(Row r) {
        List<String> c = new ArrayList<>(List.of(r.label(), r.kept() + "/" + r.imageTokens()));
        for (int i = 0; i < STAGES.size(); i++) {
            c.add(r.stages().get(i).format(STAGES.get(i).pattern()));
        }
        c.add(r.firstTokenSpeedup().format("%.2fx"));
        c.add(r.prefillSpeedup().format("%.2fx"));
        return c;
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
