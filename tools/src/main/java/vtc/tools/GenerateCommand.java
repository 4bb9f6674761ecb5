package vtc.tools;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.llava.GenerationResult;
import vtc.engine.llava.PromptTemplate;
import vtc.engine.prune.TokenSelector;
import vtc.api.Llava;

/** {@code vtc generate}: answer one question about one image, streaming the text. */
final class GenerateCommand implements Command {

    @Override
    public String name() {
        return "generate";
    }

    @Override
    public String summary() {
        return "answer a question about an image (streams text, or --json run report)";
    }

    @Override
    public String help() {
        return """
                usage: vtc generate --model DIR --image FILE --prompt TEXT [options]

                  --model DIR            Hugging Face LLaVA-1.5 directory (config.json, safetensors, tokenizer)
                  --image FILE           PNG, JPEG, GIF, BMP, TIFF or WebP
                  --prompt TEXT          the question; formatted with --template
                  --method M             vtc-cls | fastv | prumerge | prumerge+ | random | uniform | none
                                         (default vtc-cls)
                  --layers K             VTC-CLS: [CLS] layers ending at the feature layer (default 3);
                                         FastV: the decoder layer where pruning happens (default 2)
                  --keep U               visual tokens kept: a count (64) or a fraction (0.25)   (default 64);
                                         prumerge+: the official presets 64 | 128 | other (N = 576 only)
                  --top T --stride S     prumerge+: the T tokens of highest [CLS] attention plus every S-th patch
                  --seed S               seed of --method random and of sampling (default 0)
                  --exif-transpose       turn the image upright by its EXIF orientation, as transformers'
                                         load_image does (default off, as in the original LLaVA)
                  --preprocess pad|crop  how the image becomes square (default: the checkpoint's
                                         image_aspect_ratio, "pad" pads, otherwise crop)
                  --template T           llava-hf (default) | vicuna_v1 (the paper's evaluation template) |
                                         raw (--prompt is the whole prompt text, control tokens included;
                                         it holds <image> once)
                  --max-new-tokens N     default 256
                  --temperature T        0 (default) is greedy
                  --top-p P              nucleus sampling mass (default 1)
                  --no-eos-stop          keep generating after end-of-sequence
                  --threads N            kernel threads (default: all cores)
                  --json                 print the run report instead of streaming the text
                                         (its fields: docs/semantics.md, "The run report")
                """ + ModelArguments.WEIGHT_HELP;
    }

    @Override
    public Set<String> valuedOptions() {
        Set<String> names = new HashSet<>(Set.of("image", "prompt", "preprocess", "template", "max-new-tokens",
                "temperature", "top-p"));
        names.addAll(ModelArguments.OPTIONS);
        names.addAll(PruningArguments.OPTIONS);
        return names;
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("no-eos-stop", "json", InputArguments.EXIF_TRANSPOSE);
    }

    @Override
    public int run(CommandLine line, Terminal terminal) {
        line.positionals(0, "no positional arguments");
        Path image = InputArguments.image(line.required("image"), name());
        String prompt = InputArguments.question(line.required("prompt"), line.value("template", "llava-hf"), name());
        TokenSelector selector = PruningArguments.selector(line, "vtc-cls");
        boolean raw = line.value("template", "llava-hf").equals("raw");
        PromptTemplate template = raw ? PromptTemplate.LLAVA_HF : template(line);
        GenerationOptions options = options(line);
        boolean json = line.flag("json");
        try (Llava llava = ModelArguments.load(line, terminal)) {
            Llava.Request request = InputArguments.request(llava, image, prompt, ModelArguments.preprocess(line), line)
                    .withTemplate(template)
                    .withRawPrompt(raw ? prompt : null)
                    .withOptions(options)
                    .withSelector(selector);
            Llava.Result result = llava.generate(request, json ? null : text -> {
                terminal.out().print(text);
                terminal.out().flush();
            });
            if (json) {
                terminal.out().println(RunReport.toJson(RunReport.of(result)));
            } else {
                terminal.out().println();
                GenerationResult g = result.generation();
                terminal.progress(String.format("%d of %d visual tokens kept (%d image rows); first token %.0f ms, %d tokens",
                        g.keptIndices().length, g.imageTokens(), g.imageRows(), g.timings().firstTokenMs(),
                        g.generatedIds().length));
            }
        }
        return Main.OK;
    }

    static PromptTemplate template(CommandLine line) {
        String v = line.value("template", "llava-hf");
        return switch (v) {
            case "llava-hf" -> PromptTemplate.LLAVA_HF;
            case "vicuna_v1", "vicuna-v1" -> PromptTemplate.VICUNA_V1;
            default -> throw new UsageException(line.commandName() + ": --template must be llava-hf, vicuna_v1 or raw, got \""
                    + v + "\"");
        };
    }

    static GenerationOptions options(CommandLine line) {
        int maxNew = line.integer("max-new-tokens", 256, 0);
        double temperature = line.number("temperature", 0);
        double topP = line.number("top-p", 1);
        if (temperature < 0) {
            throw new UsageException(line.commandName() + ": --temperature must be >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new UsageException(line.commandName() + ": --top-p must be in (0, 1], got " + topP);
        }
        return new GenerationOptions(maxNew, temperature, topP, line.longValue("seed", 0), !line.flag("no-eos-stop"));
    }
}
