package vtc.tools;

import vtc.pruning.PruningMethod;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import vtc.api.Llava;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.prune.TokenSelector;
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
                usage: vtc bench --model DIR [--keep 576,256,128,64] [--method vtc-cls] [--runs N] [--output md|csv|json]

                  --keep LIST           keep budgets to time (counts or fractions; a count above N keeps all;
                                        for prumerge+ the official presets 64, 128, other)
                  --method M            vtc-cls (default) | fastv | prumerge | prumerge+ | random | uniform
                  --layers K            the method's K (default: 3 for vtc-cls, 2 for fastv)
                  --top T --stride S    prumerge+ with its own T and s: one setting instead of the --keep list
                  --warmup N            untimed rounds over every setting before timing (default 1)
                  --runs N              timed runs per setting (default 5)
                  --max-new-tokens N    tokens generated per run, end-of-sequence ignored (default 32)
                  --image FILE          default: a synthetic image (colour gradients and shapes) of the model's
                                        input size, so the benchmark needs no file
                  --prompt TEXT         the question (default "Describe the picture in detail.")
                  --prompt-tokens N     lengthen the question by repeating it until it has at least N tokens
                  --exif-transpose      turn --image upright by its EXIF orientation, as transformers'
                                        load_image does (default off, as in the original LLaVA)
                  --preprocess pad|crop, --threads N, --seed S
                  --output FORMAT       table (default), md (Markdown table), csv (median, min, max, mean, stddev of
                                        every figure) or json; --json is --output json
                """ + ModelArguments.WEIGHT_HELP + """

                Method: the warm-up rounds run every setting untimed (JIT, caches, page cache); then each of the
                N repetitions runs every setting once, the order rotated by one setting per repetition, so no
                setting always runs first or after the same neighbour. Each figure is the median over the N runs
                with its min–max range; differences inside the ranges are noise. Time to first token = preprocess
                + vision + prune + prefill; decode speed counts the tokens after the first. Speedups are taken per
                repetition against the unpruned model (baseline time / setting time), then summarized.
                """;
    }

    @Override
    public Set<String> valuedOptions() {
        Set<String> names = new HashSet<>(Set.of("image", "prompt", "prompt-tokens", "runs", "warmup", "max-new-tokens",
                "preprocess", "output"));
        names.addAll(ModelArguments.OPTIONS);
        names.addAll(PruningArguments.OPTIONS);
        return names;
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("json", InputArguments.EXIF_TRANSPOSE);
    }

    @Override
    public int run(CommandLine line, Terminal terminal) {
        line.positionals(0, "no positional arguments");
        int runs = line.integer("runs", 5, 1);
        int warmUps = line.integer("warmup", 1, 0);
        String format = outputFormat(line);
        GenerationOptions options = new GenerationOptions(line.integer("max-new-tokens", 32, 1), 0, 1, 0, false);
        PruningMethod method = PruningArguments.method(line, "vtc-cls");
        List<String> labels = new ArrayList<>();
        List<TokenSelector> selectors = new ArrayList<>();
        if (method.takes("keep") && line.value("top") == null) {
            for (String keep : line.value("keep", "576,256,128,64").split(",")) {
                selectors.add(PruningArguments.selector(line, "vtc-cls", keep.strip()));
                labels.add(method.methodName() + " U=" + keep.strip());
            }
        } else {
            TokenSelector selector = PruningArguments.selector(line, "vtc-cls");
            selectors.add(selector);
            labels.add(selector.toString());
        }
        try (Llava llava = ModelArguments.load(line, terminal)) {
            Llava.Request base = request(llava, line).withOptions(options);
            List<InterleavedRuns.Setting> settings = new ArrayList<>();
            settings.add(new InterleavedRuns.Setting("none", base));
            for (int i = 0; i < selectors.size(); i++) {
                settings.add(new InterleavedRuns.Setting(labels.get(i), base.withSelector(selectors.get(i))));
            }
            List<List<Llava.Result>> results = InterleavedRuns.run(llava, settings, warmUps, runs, terminal);
            BenchReport report = BenchReport.of(settings.stream().map(InterleavedRuns.Setting::label).toList(), results,
                    warmUps);
            int promptTokens = llava.promptIds(base).length - 1;
            String setup = String.format("%d text tokens + image, %d new tokens, %d threads, load average %s",
                    promptTokens, options.maxNewTokens(), ModelArguments.threads(line), loadAverage());
            switch (format) {
                case "json" -> {
                    JsonObject json = report.json();
                    json.addProperty("prompt_text_tokens", promptTokens);
                    json.addProperty("new_tokens", options.maxNewTokens());
                    json.addProperty("threads", ModelArguments.threads(line));
                    json.addProperty("load_average", loadAverage());
                    terminal.out().println(RunReport.toJson(json));
                }
                case "csv" -> terminal.out().print(report.csv());
                case "md" -> {
                    terminal.out().println(setup + "; " + report.method() + ".");
                    terminal.out().println();
                    terminal.out().print(report.markdown());
                }
                default -> {
                    terminal.out().println(setup);
                    terminal.out().println(report.method());
                    terminal.out().print(report.text());
                }
            }
        }
        return Main.OK;
    }

    /** {@code --output table|md|csv|json}, with {@code --json} as a synonym of json. */
    private static String outputFormat(CommandLine line) {
        String format = line.value("output", line.flag("json") ? "json" : "table");
        if (!Set.of("table", "md", "csv", "json").contains(format)) {
            throw new UsageException("bench: --output must be table, md, csv or json, got \"" + format + "\"");
        }
        if (line.flag("json") && !format.equals("json")) {
            throw new UsageException("bench: --json contradicts --output " + format);
        }
        return format;
    }

    /** The 1, 5 and 15 minute load averages (Linux), so a reader can tell a busy machine's figures. */
    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return String.format(java.util.Locale.ROOT, "%.2f",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static Llava.Request request(Llava llava, CommandLine line) {
        String question = question(llava, line);
        PreprocessMode mode = ModelArguments.preprocess(line);
        if (line.value("image") != null) {
            return InputArguments.request(llava, InputArguments.image(line.value("image"), "bench"), question, mode, line);
        }
        RgbImage synthetic = syntheticImage(llava.preprocessor().size());
        return Llava.Request.of(llava.preprocessor().preprocess(synthetic, mode == null ? llava.defaultPreprocess() : mode),
                question);
    }

    /** {@code --prompt}, repeated until the prompt has at least {@code --prompt-tokens} ids. */
    private static String question(Llava llava, CommandLine line) {
        String question = InputArguments.question(line.value("prompt", QUESTION), "llava-hf", "bench");
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
}
