package vtc.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.prune.TokenSelector;
import vtc.loaders.Llava;
import vtc.loaders.image.PreprocessMode;
import vtc.loaders.image.RgbImage;

/**
 * {@code vtc bench}: the paper's efficiency table on this machine. For each keep budget, the
 * time to first token split into its stages and the decode speed, against the unpruned model.
 */
final class BenchCommand implements Command {

    private static final String QUESTION = "Describe the picture in detail.";

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "time to first token and decode speed per keep budget, speedup over no pruning";
    }

    @Override
    public String help() {
        return """
                usage: vtc bench --model DIR [--keep 576,256,128,64] [--method vtc-cls] [--runs N] [--json]

                  --keep LIST           keep budgets to time (counts or fractions; a count above N keeps all;
                                        for prumerge+ the official presets 64, 128, other)
                  --method M            vtc-cls (default) | fastv | prumerge | prumerge+ | random | uniform
                  --layers K            the method's K (default: 3 for vtc-cls, 2 for fastv)
                  --top T --stride S    prumerge+ with its own T and s: one setting instead of the --keep list
                  --runs N              timed runs per setting, averaged (default 3; each setting has one
                                        untimed warm-up run first)
                  --max-new-tokens N    tokens generated per run, end-of-sequence ignored (default 32)
                  --image FILE          default: a synthetic image (colour gradients and shapes) of the model's
                                        input size, so the benchmark needs no file
                  --prompt TEXT         the question (default "Describe the picture in detail.")
                  --prompt-tokens N     lengthen the question by repeating it until it has at least N tokens
                  --preprocess pad|crop, --threads N, --seed S
                  --json                one JSON object instead of the table
                """ + ModelArguments.WEIGHT_HELP + """

                Time to first token = preprocess + vision + prune + prefill; decode speed counts the tokens after
                the first. Speedups are relative to the same model with no pruning, measured in the same run.
                """;
    }

    @Override
    public Set<String> valuedOptions() {
        Set<String> names = new HashSet<>(Set.of("image", "prompt", "prompt-tokens", "runs", "max-new-tokens",
                "preprocess"));
        names.addAll(ModelArguments.OPTIONS);
        names.addAll(PruningArguments.OPTIONS);
        return names;
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("json");
    }

    /** Mean stage timings of one setting. */
    private record Row(String label, int kept, int imageRows, int imageTokens, Llava.StageTimings mean,
                       double tokensPerSecond) {
    }

    @Override
    public int run(CommandLine line, Terminal terminal) {
        line.positionals(0, "no positional arguments");
        int runs = line.integer("runs", 3, 1);
        GenerationOptions options = new GenerationOptions(line.integer("max-new-tokens", 32, 1), 0, 1, 0, false);
        PruningArguments.Method method = PruningArguments.method(line, "vtc-cls");
        List<String> labels = new ArrayList<>();
        List<TokenSelector> selectors = new ArrayList<>();
        if (method.takes("keep") && line.value("top") == null) {
            for (String keep : line.value("keep", "576,256,128,64").split(",")) {
                selectors.add(PruningArguments.selector(line, "vtc-cls", keep.strip()));
                labels.add(method.cliName + " U=" + keep.strip());
            }
        } else {
            TokenSelector selector = PruningArguments.selector(line, "vtc-cls");
            selectors.add(selector);
            labels.add(selector.toString());
        }
        try (Llava llava = ModelArguments.load(line, terminal)) {
            Llava.Request base = request(llava, line).withOptions(options);
            List<Row> rows = new ArrayList<>();
            rows.add(time(llava, base, "none", runs, terminal));
            for (int i = 0; i < selectors.size(); i++) {
                rows.add(time(llava, base.withSelector(selectors.get(i)), labels.get(i), runs, terminal));
            }
            int promptTokens = llava.promptIds(base).length - 1;
            if (line.flag("json")) {
                terminal.out().println(RunReport.toJson(json(rows, runs, promptTokens, options.maxNewTokens())));
            } else {
                terminal.out().printf("%d runs per setting, %d text tokens + image, %d new tokens, %d threads%n",
                        runs, promptTokens, options.maxNewTokens(), ModelArguments.threads(line));
                terminal.out().print(table(rows));
            }
        }
        return Main.OK;
    }

    private static Llava.Request request(Llava llava, CommandLine line) {
        String question = question(llava, line);
        PreprocessMode mode = ModelArguments.preprocess(line);
        if (line.value("image") != null) {
            return Llava.Request.of(Path.of(line.value("image")), question).withPreprocess(mode);
        }
        RgbImage synthetic = syntheticImage(llava.preprocessor().size());
        return Llava.Request.of(llava.preprocessor().preprocess(synthetic, mode == null ? llava.defaultPreprocess() : mode),
                question);
    }

    /** {@code --prompt}, repeated until the prompt has at least {@code --prompt-tokens} ids. */
    private static String question(Llava llava, CommandLine line) {
        String question = line.value("prompt", QUESTION);
        int wanted = line.integer("prompt-tokens", 0, 0);
        String longer = question;
        while (llava.tokenizer().encode(longer).length < wanted) {
            longer = longer + " " + question;
        }
        return longer;
    }

    /** Smooth colour gradients with a few bright discs: content the [CLS] token can tell apart. */
    static RgbImage syntheticImage(int size) {
        byte[] rgb = new byte[size * size * 3];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int i = (y * size + x) * 3;
                boolean disc = Math.hypot(x - size * 0.3, y - size * 0.35) < size * 0.12
                        || Math.hypot(x - size * 0.7, y - size * 0.65) < size * 0.18;
                rgb[i] = (byte) (disc ? 250 : 255 * x / size);
                rgb[i + 1] = (byte) (disc ? 220 : 255 * y / size);
                rgb[i + 2] = (byte) (disc ? 40 : 128);
            }
        }
        return new RgbImage(size, size, rgb);
    }

    private static Row time(Llava llava, Llava.Request request, String label, int runs, Terminal terminal) {
        double[] sum = new double[5];
        double tokensPerSecond = 0;
        llava.generate(request, null); // warm-up: JIT and caches, not timed
        Llava.Result last = null;
        for (int r = 0; r < runs; r++) {
            terminal.progress("  " + label + " run " + (r + 1) + "/" + runs);
            last = llava.generate(request, null);
            var t = last.timings();
            sum[0] += t.preprocessMs();
            sum[1] += t.visionMs();
            sum[2] += t.pruneMs();
            sum[3] += t.prefillMs();
            sum[4] += t.decodeMs();
            int steps = last.generatedIds().length - 1;
            tokensPerSecond += steps > 0 && t.decodeMs() > 0 ? steps / (t.decodeMs() / 1000) : 0;
        }
        Llava.StageTimings mean = new Llava.StageTimings(sum[0] / runs, sum[1] / runs, sum[2] / runs, sum[3] / runs,
                sum[4] / runs);
        return new Row(label, last.keptIndices().length, last.imageRows(), last.imageTokens(), mean, tokensPerSecond / runs);
    }

    private static TextTable table(List<Row> rows) {
        Row base = rows.get(0);
        TextTable table = new TextTable("setting", "kept", "preprocess ms", "vision ms", "prune ms", "prefill ms", "TTFT ms",
                "decode tok/s", "TTFT speedup", "prefill speedup");
        for (Row r : rows) {
            table.row(r.label(), r.kept() + "/" + r.imageTokens(), r.mean().preprocessMs(), r.mean().visionMs(), r.mean().pruneMs(),
                    r.mean().prefillMs(), r.mean().firstTokenMs(), r.tokensPerSecond(),
                    String.format("%.2fx", base.mean().firstTokenMs() / r.mean().firstTokenMs()),
                    String.format("%.2fx", base.mean().prefillMs() / r.mean().prefillMs()));
        }
        return table;
    }

    private static JsonObject json(List<Row> rows, int runs, int promptTokens, int newTokens) {
        Row base = rows.get(0);
        JsonObject report = new JsonObject();
        report.addProperty("runs", runs);
        report.addProperty("prompt_text_tokens", promptTokens);
        report.addProperty("new_tokens", newTokens);
        JsonArray settings = new JsonArray();
        for (Row r : rows) {
            JsonObject o = new JsonObject();
            o.addProperty("setting", r.label());
            o.addProperty("kept", r.kept());
            o.addProperty("image_rows", r.imageRows());
            o.addProperty("image_tokens", r.imageTokens());
            o.add("timings_ms", RunReport.timings(r.mean()));
            o.addProperty("first_token_ms", r.mean().firstTokenMs());
            o.addProperty("decode_tokens_per_s", r.tokensPerSecond());
            o.addProperty("first_token_speedup", base.mean().firstTokenMs() / r.mean().firstTokenMs());
            o.addProperty("prefill_speedup", base.mean().prefillMs() / r.mean().prefillMs());
            settings.add(o);
        }
        report.add("settings", settings);
        return report;
    }
}
