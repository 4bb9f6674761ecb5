package vtc.tools;

import java.nio.file.Path;
import java.util.Set;
import vtc.api.Llava;
import vtc.loaders.checkpoint.WeightOptions;
import vtc.loaders.checkpoint.WeightPrecision;
import vtc.loaders.safetensors.WeightStorage;
import vtc.loaders.image.PreprocessMode;

/**
 * {@code --model DIR --threads N --weights stored|q8 --weight-memory owned|mapped}: the model a
 * command runs, loaded through the library facade.
 */
final class ModelArguments {

    static final Set<String> OPTIONS = Set.of("model", "threads", "weights", "weight-memory");

    /** Help lines of the weight options, shared by the commands that list them. */
    static final String WEIGHT_HELP = """
              --weights stored|q8    compute with the checkpoint's own F32/F16/BF16 weights (default),
                                     or quantize linear layers to 8 bits at load (blocks of 32, one
                                     scale each: half the memory traffic of F16, small bounded error)
              --weight-memory owned|mapped
                                     owned (default): copy the weights into memory this process owns;
                                     mapped: map the files instead (for less RAM than the model). Risk:
                                     a file changed or truncated while a request runs can crash the JVM;
                                     new requests are refused once a mapped file changed
            """;

    private ModelArguments() {
    }

    static Path modelDir(CommandLine line) {
        return ModelLocation.check(Path.of(line.required("model")));
    }

    static int threads(CommandLine line) {
        return line.integer("threads", Runtime.getRuntime().availableProcessors(), 1);
    }

    static Llava load(CommandLine line, Terminal terminal) {
        return load(modelDir(line), threads(line), weightOptions(line), terminal);
    }

    /** {@code --weights} and {@code --weight-memory} as the library's type. */
    static WeightOptions weightOptions(CommandLine line) {
        WeightPrecision precision = switch (line.value("weights", "stored")) {
            case "stored" -> WeightPrecision.AS_STORED;
            case "q8" -> WeightPrecision.Q8_0;
            default -> throw new UsageException(line.commandName() + ": --weights must be stored or q8, got \""
                    + line.value("weights") + "\"");
        };
        WeightStorage storage = switch (line.value("weight-memory", "owned")) {
            case "owned" -> WeightStorage.IN_MEMORY;
            case "mapped" -> WeightStorage.MAPPED;
            default -> throw new UsageException(line.commandName() + ": --weight-memory must be owned or mapped, got \""
                    + line.value("weight-memory") + "\"");
        };
        return new WeightOptions(storage, precision);
    }

    static Llava load(Path dir, int threads, Terminal terminal) {
        return load(dir, threads, WeightOptions.DEFAULT, terminal);
    }

    /**
     * {@code --prefix-cache MB} in bytes: how much memory keeps each image's prompt up to its image
     * tokens for the next question about it (0 = off).
     */
    static long prefixCacheBytes(CommandLine line, int defaultMb) {
        return line.integer("prefix-cache", defaultMb, 0) * (1L << 20);
    }

    /** {@link #load(CommandLine, Terminal)} with a prefix cache of {@code prefixCacheBytes} (0 = off). */
    static Llava load(CommandLine line, Terminal terminal, long prefixCacheBytes) {
        return load(modelDir(line), threads(line), weightOptions(line), prefixCacheBytes, terminal);
    }

    static Llava load(Path dir, int threads, WeightOptions weights, Terminal terminal) {
        return load(dir, threads, weights, 0, terminal);
    }

    static Llava load(Path dir, int threads, WeightOptions weights, long prefixCacheBytes, Terminal terminal) {
        terminal.progress("loading " + dir + " …");
        long start = System.nanoTime();
        Llava llava = Llava.load(dir, threads, weights, prefixCacheBytes);
        terminal.progress(String.format("loaded in %.1f s (%d threads)", (System.nanoTime() - start) / 1e9, threads));
        return llava;
    }

    /** {@code --preprocess pad|crop}, or null to follow the checkpoint. */
    static PreprocessMode preprocess(CommandLine line) {
        String v = line.value("preprocess");
        if (v == null) {
            return null;
        }
        return switch (v) {
            case "pad" -> PreprocessMode.PAD;
            case "crop" -> PreprocessMode.CROP;
            default -> throw new UsageException(line.commandName() + ": --preprocess must be pad or crop, got \"" + v + "\"");
        };
    }
}
