package vtc.tools;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import vtc.loaders.LoadException;

/**
 * What a {@code --model} path most likely is when it is not a model directory, so the error can
 * say what to pass instead: a GGUF file (llama.cpp's format, not read here), or the Hugging Face
 * cache above the snapshot that holds the files.
 */
final class ModelLocation {

    private static final byte[] GGUF_MAGIC = {'G', 'G', 'U', 'F'};

    private ModelLocation() {
    }

    /** Returns {@code dir} unchanged, or throws a {@link LoadException} with the hint that fits. */
    static Path check(Path dir) {
        if (looksLikeUrl(dir.toString())) {
            throw new LoadException(dir, "is a URL; the engine never downloads. Download the checkpoint first (e.g."
                    + " huggingface-cli download llava-hf/llava-1.5-7b-hf --local-dir llava-1.5-7b-hf) and pass its"
                    + " directory");
        }
        if (Files.isRegularFile(dir) && isGguf(dir)) {
            throw new LoadException(dir, "is a GGUF file: this engine reads Hugging Face safetensors directories,"
                    + " not GGUF (e.g. llava-hf/llava-1.5-7b-hf: config.json, *.safetensors, tokenizer files)");
        }
        if (!Files.isDirectory(dir) || Files.exists(dir.resolve("config.json"))) {
            return dir;
        }
        List<Path> snapshots = snapshotsBelow(dir);
        if (!snapshots.isEmpty()) {
            throw new LoadException(dir, "is a Hugging Face cache folder, not a model directory; pass the snapshot"
                    + " that holds config.json: " + String.join(" or ", snapshots.stream().map(Path::toString).toList()));
        }
        List<String> gguf = list(dir, p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf"));
        if (!gguf.isEmpty()) {
            throw new LoadException(dir, "holds GGUF files " + gguf + ": this engine reads Hugging Face safetensors"
                    + " directories, not GGUF (e.g. llava-hf/llava-1.5-7b-hf: config.json, *.safetensors,"
                    + " tokenizer files)");
        }
        return dir;
    }

    static boolean looksLikeUrl(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        return lower.startsWith("http:/") || lower.startsWith("https:/") || lower.startsWith("hf://")
                || lower.startsWith("s3:/") || lower.startsWith("ftp:/");
    }

    private static boolean isGguf(Path file) {
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            return true;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return java.util.Arrays.equals(in.readNBytes(4), GGUF_MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Snapshot folders holding config.json under a cache root: {@code dir/snapshots/*} (a
     * {@code models--org--name} folder) or {@code dir/models--*}{@code /snapshots/*} (the hub root).
     */
    private static List<Path> snapshotsBelow(Path dir) {
        List<Path> repos = Files.isDirectory(dir.resolve("snapshots")) ? List.of(dir)
                : list(dir, p -> p.getFileName().toString().startsWith("models--")).stream().map(dir::resolve).toList();
        return repos.stream()
                .flatMap(repo -> list(repo.resolve("snapshots"), p -> Files.exists(p.resolve("config.json")))
                        .stream().map(n -> repo.resolve("snapshots").resolve(n)))
                .sorted().toList();
    }

    private static List<String> list(Path dir, java.util.function.Predicate<Path> keep) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(keep).map(p -> p.getFileName().toString()).sorted().limit(5).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
