package vtc.tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import vtc.engine.llava.GenerationOptions;
import vtc.loaders.Llava;
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
                usage: vtc demo [--out FILE.png] [--threads N] [--max-new-tokens N]

                Runs the embedded tiny random-weight LLaVA (test-fixtures/tiny-llava) on golden/image1.png
                (pad preprocessing, llava-hf template, greedy) without pruning and with VTC-CLS K=3 keeping
                16 and 8 of the 64 visual tokens. Prints the generated text, a table of kept tokens and stage
                timings with the prefill speedup, and writes the kept-patch picture (default: a file in the
                temporary directory, printed at the end).
                """;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("out", "threads", "max-new-tokens");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of();
    }

    private record Setting(String label, Llava.Request request) {
    }

    @Override
    public int run(CommandLine line, Terminal terminal) {
        line.positionals(0, "no positional arguments");
        Path dir = FixtureHome.tinyLlava();
        Path image = dir.resolve("golden").resolve("image1.png");
        Path out = Path.of(line.value("out", Path.of(System.getProperty("java.io.tmpdir"), "vtc-demo-kept-patches.png")
                .toString()));
        GenerationOptions options = new GenerationOptions(line.integer("max-new-tokens", 8, 1), 0, 1, 0, false);
        var o = terminal.out();
        try (Llava llava = ModelArguments.load(dir, ModelArguments.threads(line), terminal)) {
            Llava.Request base = Llava.Request.of(image, QUESTION).withPreprocess(PreprocessMode.PAD).withOptions(options);
            o.printf("vtc demo: tiny random-weight LLaVA-1.5 from %s%n", dir);
            o.printf("image %s (pad), prompt \"%s\"%n", image.getFileName(), base.promptText().replace("\n", "\\n"));
            o.println("Note: the weights are random, so the generated text is meaningless; the demo shows the pipeline,");
            o.println("the pruning and the timings. See the README section \"Running a real model\" for llava-1.5-7b-hf.");
            o.println();

            List<Setting> settings = new ArrayList<>();
            settings.add(new Setting("none", base.withSelector(new NoPruning())));
            for (int keep : KEEPS) {
                settings.add(new Setting("vtc-cls K=" + LAYERS + " U=" + keep,
                        base.withSelector(new VtcCls(LAYERS, KeepBudget.count(keep)))));
            }
            for (int round = 0; round < WARM_UP_ROUNDS; round++) {
                for (Setting s : settings) {
                    llava.generate(s.request(), null); // so that the timed rows measure compiled code, not the JIT
                }
            }

            TextTable table = new TextTable("setting", "kept", "preprocess", "vision", "prune", "prefill", "decode",
                    "prefill speedup");
            double baselinePrefill = Double.NaN;
            for (Setting s : settings) {
                o.printf("[%s] ", s.label());
                Llava.Result r = llava.generate(s.request(), text -> o.print(text.replace("\n", "\\n")));
                o.println();
                var t = r.timings();
                if (Double.isNaN(baselinePrefill)) {
                    baselinePrefill = t.prefillMs();
                }
                table.row(s.label(), r.keptIndices().length + "/" + r.imageTokens(), t.preprocessMs(), t.visionMs(),
                        t.pruneMs(), t.prefillMs(), t.decodeMs(), String.format("%.2fx", baselinePrefill / t.prefillMs()));
            }
            o.println();
            o.println("stage timings in ms:");
            o.print(table);

            ClsScoreMap map = ClsScoreMap.measure(llava, image, PreprocessMode.PAD, new VtcCls(LAYERS, KeepBudget.count(KEEPS[0])));
            PngFile.write(KeptPatchPicture.draw(map), out);
            o.println();
            o.printf("kept-patch picture (VTC-CLS K=%d, U=%d; left kept patches, right [CLS] scores): %s%n", LAYERS,
                    KEEPS[0], out.toAbsolutePath());
        }
        return Main.OK;
    }
}
