package vtc.tools;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import vtc.api.Llava;
import vtc.loaders.image.PreprocessMode;
import vtc.engine.prune.TokenSelector;
import vtc.pruning.PruningMethod;

/** {@code vtc visualize}: the kept patches and the [CLS] heat map of one image (the paper's Figure 4). */
final class VisualizeCommand implements Command {

    @Override
    public String name() {
        return "visualize";
    }

    @Override
    public String summary() {
        return "PNG of the patches a [CLS]-scored method keeps, beside its score heat map";
    }

    @Override
    public String help() {
        return """
                usage: vtc visualize --model DIR --image FILE [--method M] [--layers K] [--keep U] [--out FILE.png|FILE.jpg]

                  --method M             vtc-cls (default) | prumerge | prumerge+
                  --layers K             vtc-cls: [CLS] layers ending at the feature layer (default 3)
                  --keep U               vtc-cls: patches kept, a count or a fraction (default 64);
                                         prumerge+: the official presets (N = 576 only)
                  --top T --stride S     prumerge+: T top tokens and a grid of stride S
                  --exif-transpose       turn the image upright by its EXIF orientation, as transformers'
                                         load_image does (default off, as in the original LLaVA)
                  --preprocess pad|crop  default: the checkpoint's image_aspect_ratio
                  --out FILE             default kept-patches.png; the extension picks the format (.png, .jpg)
                  --threads N            kernel threads

                Above: the method and its settings. Left: the S×S image the vision tower sees, dropped patches black.
                Right: the score of each patch (dark = low, bright = high; the colour scale is below it): the VTC-CLS
                score, or for prumerge/prumerge+ the last layer's [CLS] attention. PruMerge also merges every dropped
                patch into the kept ones; the picture shows only which patches are kept, not the merges. Only the
                vision tower runs.
                """;
    }

    @Override
    public Set<String> valuedOptions() {
        Set<String> names = new HashSet<>(Set.of("image", "out", "preprocess"));
        names.addAll(ModelArguments.OPTIONS);
        names.addAll(PruningArguments.OPTIONS);
        return names;
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of(InputArguments.EXIF_TRANSPOSE);
    }

    @Override
    public int run(CommandLine line, Terminal terminal) {
        line.positionals(0, "no positional arguments");
        Path image = InputArguments.image(line.required("image"), name());
        var method = PruningArguments.method(line, "vtc-cls");
        if (!Set.of(PruningMethod.VTC_CLS, PruningMethod.PRUMERGE, PruningMethod.PRUMERGE_PLUS).contains(method)) {
            throw new UsageException("--method: the picture shows methods that score patches by [CLS] attention "
                    + "(vtc-cls, prumerge, prumerge+), not " + method.methodName());
        }
        TokenSelector selector = PruningArguments.selector(line, "vtc-cls");
        Path out = Path.of(line.value("out", "kept-patches.png"));
        PictureFile.checkFormat(out);
        try (Llava llava = ModelArguments.load(line, terminal)) {
            PreprocessMode mode = ModelArguments.preprocess(line);
            ClsScoreMap map = ClsScoreMap.measure(llava, InputArguments.picture(image, line), mode == null ? llava.defaultPreprocess() : mode,
                    selector);
            PictureFile.write(KeptPatchPicture.draw(map, KeptPatchPicture.title(map, selector.toString(), image)), out);
            terminal.out().printf("kept %d of %d patches (%s); wrote %s%n", map.kept().length, map.scores().length,
                    selector, out);
            if (map.merged()) {
                terminal.out().println("the dropped patches are merged into the kept ones and one extra token; "
                        + "the picture shows only which patches are kept, not the merges");
            }
        }
        return Main.OK;
    }
}
