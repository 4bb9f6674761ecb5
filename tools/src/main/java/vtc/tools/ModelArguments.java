package vtc.tools;

import java.nio.file.Path;
import java.util.Set;
import vtc.api.Llava;
import vtc.loaders.image.PreprocessMode;

/** {@code --model DIR --threads N}: the model a command runs, loaded through the library facade. */
final class ModelArguments {

    static final Set<String> OPTIONS = Set.of("model", "threads");

    private ModelArguments() {
    }

    static Path modelDir(CommandLine line) {
        return Path.of(line.required("model"));
    }

    static int threads(CommandLine line) {
        return line.integer("threads", Runtime.getRuntime().availableProcessors(), 1);
    }

    static Llava load(CommandLine line, Terminal terminal) {
        return load(modelDir(line), threads(line), terminal);
    }

    static Llava load(Path dir, int threads, Terminal terminal) {
        terminal.progress("loading " + dir + " …");
        long start = System.nanoTime();
        Llava llava = Llava.load(dir, threads);
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
