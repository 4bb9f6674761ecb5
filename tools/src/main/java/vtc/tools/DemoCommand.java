package vtc.tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import vtc.api.Llava;
import vtc.engine.llava.GenerationOptions;
import vtc.loaders.image.PreprocessMode;
import vtc.pruning.KeepBudget;
import vtc.pruning.NoPruning;
import vtc.pruning.VtcCls;

/**
 * {@code vtc demo}: the whole pipeline on the embedded tiny model, with no pruning and with
 * VTC-CLS at two budgets, so the stages and what pruning saves can be seen in seconds without
 * downloading anything.
 */
final class DemoCommand implements Command {

    private static final String QUESTION = "What is in the picture?";
    private static final int LAYERS = 3;
    private static final int[] KEEPS = {16, 8};
    /** The tiny model runs in milliseconds, so a few untimed rounds let the JIT finish first. */
    private static final int WARM_UP_ROUNDS = 5;
    private static final int RUNS = 7;
    /** The picture's default place: the working directory, where the user looks first. */
    static final Path DEFAULT_OUT = Path.of("vtc-demo-kept-patches.png");

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "the pipeline on the embedded tiny model: no pruning vs VTC-CLS, timings, kept-patch picture";
    }

    @Override
    public String help() {
        return """
                usage: vtc demo [--out FILE.png|FILE.jpg] [--runs N] [--threads N] [--max-new-tokens N]

                Runs the embedded tiny random-weight LLaVA (test-fixtures/tiny-llava) on golden/image1.png
                (pad preprocessing, llava-hf template, greedy) without pruning and with VTC-CLS K=3 keeping
                16 and 8 of the 64 visual tokens. Prints the generated text, then times the three settings the
                way vtc bench does (warm-up rounds first, the order rotated between the N repetitions, default
                7; median and min–max per figure) and writes the kept-patch picture into the working directory
                (default vtc-demo-kept-patches.png).
                """;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("out", "threads", "max-new-tokens", "runs");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of();
    }

    @Override
    public int run(CommandLine line, Terminal terminal) {
        line.positionals(0, "no positional arguments");
        Path dir = FixtureHome.tinyLlava();
        Path image = dir.resolve("golden").resolve("image1.png");
        Path out = line.value("out") == null ? DEFAULT_OUT : Path.of(line.value("out"));
        PictureFile.checkFormat(out);
        int runs = line.integer("runs", RUNS, 1);
        GenerationOptions options = new GenerationOptions(line.integer("max-new-tokens", 8, 1), 0, 1, 0, false);
        var o = terminal.out();
        try (Llava llava = ModelArguments.load(dir, ModelArguments.threads(line), terminal)) {
            Llava.Request base = Llava.Request.of(image, QUESTION).withPreprocess(PreprocessMode.PAD).withOptions(options);
            o.printf("vtc demo: tiny random-weight LLaVA-1.5 from %s%n", dir);
            o.printf("image %s (pad), prompt \"%s\"%n", image.getFileName(), base.promptText().replace("\n", "\\n"));
            o.println("Note: the weights are random, so the generated text is meaningless; the demo shows the pipeline,");
            o.println("the pruning and the timings. See the README section \"Running a real model\" for llava-1.5-7b-hf.");
            o.println();

            List<InterleavedRuns.Setting> settings = new ArrayList<>();
            settings.add(new InterleavedRuns.Setting("none", base.withSelector(new NoPruning())));
            for (int keep : KEEPS) {
                settings.add(new InterleavedRuns.Setting("vtc-cls K=" + LAYERS + " U=" + keep,
                        base.withSelector(new VtcCls(LAYERS, KeepBudget.count(keep)))));
            }
            for (InterleavedRuns.Setting s : settings) {
                o.printf("[%s] ", s.label());
                llava.generate(s.request(), text -> o.print(text.replace("\n", "\\n")));
                o.println();
            }

            List<List<Llava.Result>> results = InterleavedRuns.run(llava, settings, WARM_UP_ROUNDS, runs,
                    terminal.silenced());
            BenchReport report = BenchReport.of(settings.stream().map(InterleavedRuns.Setting::label).toList(), results,
                    WARM_UP_ROUNDS);
            o.println();
            o.println("stage timings in ms, " + report.method() + " (the method of vtc bench):");
            o.print(report.text());

            ClsScoreMap map = ClsScoreMap.measure(llava, vtc.loaders.image.ImageFiles.read(image), PreprocessMode.PAD, new VtcCls(LAYERS, KeepBudget.count(KEEPS[0])));
            PictureFile.write(KeptPatchPicture.draw(map, KeptPatchPicture.title(map, "VTC-CLS K=" + LAYERS, image)), out);
            o.println();
            o.printf("kept-patch picture (VTC-CLS K=%d, U=%d; left kept patches, right [CLS] score ranks): %s%n", LAYERS,
                    KEEPS[0], out.toAbsolutePath());
        }
        return Main.OK;
    }
}
