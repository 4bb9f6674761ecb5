package vtc.tools;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import vtc.api.Llava;
import vtc.pruning.analysis.AgreementPoint;
import vtc.pruning.analysis.ClsLlmAgreement;
import vtc.pruning.analysis.ImportanceSignals;

/**
 * {@code vtc analyze}: the paper's Figure 2 for one image and prompt. Does the ViT's [CLS]
 * attention rank the image tokens the way the LLM's last prompt token does, layer by layer?
 */
final class AnalyzeCommand implements Command {

    @Override
    public String name() {
        return "analyze";
    }

    @Override
    public String summary() {
        return "Figure 2: [CLS] vs LLM attention agreement per layer (table + line plot PNG)";
    }

    @Override
    public String help() {
        return """
                usage: vtc analyze --model DIR --image FILE --prompt TEXT [--out FILE.png]

                Runs the unpruned model once and compares, for every LLM layer, the attention of the last prompt
                token on the image tokens with the VTC-CLS [CLS] score for K = 1..4 (capped at the layers up to
                the feature layer): the top-U overlap ratio for U = 64 and 128 (scaled to the model's N image
                tokens as round(U·N/576)) and the Spearman rank correlation over all N tokens.

                  --out FILE.png         default cls-llm-agreement.png
                  --exif-transpose       turn the image upright by its EXIF orientation, as transformers'
                                         load_image does (default off, as in the original LLaVA)
                  --preprocess pad|crop  default: the checkpoint's image_aspect_ratio
                  --template T           llava-hf (default) | vicuna_v1
                  --threads N            kernel threads
                """;
    }

    @Override
    public Set<String> valuedOptions() {
        Set<String> names = new HashSet<>(Set.of("image", "prompt", "out", "preprocess", "template"));
        names.addAll(ModelArguments.OPTIONS);
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
        String prompt = InputArguments.question(line.required("prompt"), line.value("template", "llava-hf"), name());
        Path out = Path.of(line.value("out", "cls-llm-agreement.png"));
        PictureFile.checkFormat(out);
        try (Llava llava = ModelArguments.load(line, terminal)) {
            Llava.Request request = InputArguments.request(llava, image, prompt, ModelArguments.preprocess(line), line)
                    .withTemplate(GenerateCommand.template(line));
            ImportanceSignals signals = ImportanceSignals.measure(llava.model(), llava.pixels(request).chw(),
                    llava.promptIds(request), ClsLlmAgreement.MAX_CLS_LAYERS);
            int n = llava.model().visionShape().numPatches();
            int[] keeps = Arrays.stream(ClsLlmAgreement.PAPER_KEEPS).map(u -> ClsLlmAgreement.scaledKeep(u, n))
                    .distinct().toArray();
            int maxK = signals.clsScoresByK().length;
            int layers = signals.llmAttention().length;
            List<AgreementPoint> points = ClsLlmAgreement.table(signals.clsScoresByK(), signals.llmAttention(), keeps);

            terminal.out().printf("%d image tokens, K = 1..%d, %d LLM layers%n", n, maxK, layers);
            for (int u : keeps) {
                terminal.out().printf("%ntop-U overlap ratio, U = %d:%n", u);
                terminal.out().print(table(points, maxK, layers, u, false));
            }
            terminal.out().printf("%nSpearman correlation (all %d tokens):%n", n);
            terminal.out().print(table(points, maxK, layers, keeps[0], true));
            PictureFile.write(AgreementPlot.draw(points, maxK, keeps, layers, String.format(
                    "VTC-CLS [CLS] score (K = 1..%d) vs the LLM's attention on the %d image tokens  —  %s", maxK, n,
                    image.getFileName())), out);
            terminal.out().printf("%nwrote %s%n", out);
        }
        return Main.OK;
    }

    /** Rows: LLM layers; columns: K. */
    private static TextTable table(List<AgreementPoint> points, int maxK, int layers, int keep, boolean spearman) {
        String[] header = new String[maxK + 1];
        header[0] = "LLM layer";
        for (int k = 1; k <= maxK; k++) {
            header[k] = "K=" + k;
        }
        TextTable table = new TextTable(header);
        for (int layer = 0; layer < layers; layer++) {
            Object[] row = new Object[maxK + 1];
            row[0] = layer;
            for (AgreementPoint p : points) {
                if (p.llmLayer() == layer && p.keep() == keep) {
                    row[p.clsLayers()] = String.format("%.3f", spearman ? p.spearman() : p.overlap());
                }
            }
            table.row(row);
        }
        return table;
    }
}
