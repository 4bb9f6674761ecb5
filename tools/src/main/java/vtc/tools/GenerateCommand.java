package vtc.tools;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.llava.PromptTemplate;
import vtc.loaders.Llava;

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
                  --image FILE           PNG or JPEG
                  --prompt TEXT          the question; formatted with --template
                  --method M             vtc-cls | fastv | random | uniform | none   (default vtc-cls)
                  --layers K             VTC-CLS: [CLS] layers ending at the feature layer (default 3);
                                         FastV: the decoder layer where pruning happens (default 2)
                  --keep U               visual tokens kept: a count (64) or a fraction (0.25)   (default 64)
                  --seed S               seed of --method random and of sampling (default 0)
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
                  --json                 print the run report (SPEC §7) instead of streaming the text
                """;
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
        return Set.of("no-eos-stop", "json");
    }

    @Override
    public int run(CommandLine line, Terminal terminal) {
        line.positionals(0, "no positional arguments");
        Path image = Path.of(line.required("image"));
        String prompt = line.required("prompt");
        var plan = PruningArguments.plan(line, "vtc-cls");
        boolean raw = line.value("template", "llava-hf").equals("raw");
        PromptTemplate template = raw ? PromptTemplate.LLAVA_HF : template(line);
        GenerationOptions options = options(line);
        boolean json = line.flag("json");
        try (Llava llava = ModelArguments.load(line, terminal)) {
            Llava.Request request = PruningArguments.apply(plan, llava, Llava.Request.of(image, prompt)
                    .withPreprocess(ModelArguments.preprocess(line))
                    .withTemplate(template)
                    .withRawPrompt(raw ? prompt : null)
                    .withOptions(options));
            Llava.Result result = llava.generate(request, json ? null : text -> {
                terminal.out().print(text);
                terminal.out().flush();
            });
            if (json) {
                terminal.out().println(RunReport.toJson(RunReport.of(result)));
            } else {
                terminal.out().println();
                terminal.progress(String.format("%d of %d visual tokens kept; first token %.0f ms, %d tokens",
                        result.keptIndices().length, result.imageTokens(), result.timings().firstTokenMs(),
                        result.generatedIds().length));
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
