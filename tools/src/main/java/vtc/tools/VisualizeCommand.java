package vtc.tools;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import vtc.loaders.Llava;
import vtc.loaders.image.PreprocessMode;
import vtc.pruning.KeepBudget;
import vtc.pruning.VtcCls;

/** {@code vtc visualize}: the kept patches and the [CLS] heat map of one image (the paper's Figure 4). */
final class VisualizeCommand implements Command {

    @Override
    public String name() {
        return "visualize";
    }

    @Override
    public String summary() {
        return "PNG of the patches VTC-CLS keeps, beside the [CLS] score heat map";
    }

    @Override
    public String help() {
        return """
                usage: vtc visualize --model DIR --image FILE [--layers K] [--keep U] [--out FILE.png|FILE.jpg]

                  --layers K             [CLS] layers ending at the feature layer (default 3)
                  --keep U               patches kept: a count or a fraction (default 64)
                  --preprocess pad|crop  default: the checkpoint's image_aspect_ratio
                  --out FILE             default kept-patches.png; the extension picks the format (.png, .jpg)
                  --threads N            kernel threads

                Above: the method, K and U. Left: the S×S image the vision tower sees, dropped patches black. Right: the score of each
                patch (dark = low, bright = high; the colour scale is below it). Only the vision tower runs.
                """;
    }

    @Override
    public Set<String> valuedOptions() {
        Set<String> names = new HashSet<>(Set.of("image", "layers", "keep", "out", "preprocess"));
        names.addAll(ModelArguments.OPTIONS);
        return names;
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of();
    }

    @Override
    public int run(CommandLine line, Terminal terminal) {
        line.positionals(0, "no positional arguments");
        Path image = InputArguments.image(line.required("image"), name());
        int layers = line.integer("layers", VtcCls.DEFAULT_LAYERS, 1);
        KeepBudget keep = line.value("keep") == null ? KeepBudget.DEFAULT : KeepBudget.parse(line.value("keep"));
        Path out = Path.of(line.value("out", "kept-patches.png"));
        PictureFile.checkFormat(out);
        try (Llava llava = ModelArguments.load(line, terminal)) {
            PreprocessMode mode = ModelArguments.preprocess(line);
            ClsScoreMap map = ClsScoreMap.measure(llava, image, mode == null ? llava.defaultPreprocess() : mode,
                    layers, keep);
            PictureFile.write(KeptPatchPicture.draw(map, KeptPatchPicture.title(map, layers, image)), out);
            terminal.out().printf("kept %d of %d patches (K=%d); wrote %s%n", map.kept().length, map.scores().length,
                    layers, out);
        }
        return Main.OK;
    }
}
