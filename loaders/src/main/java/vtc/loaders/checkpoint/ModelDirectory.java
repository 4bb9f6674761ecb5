package vtc.loaders.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a model directory keeps its weights, and the rule that every weight file must stay inside
 * it. A file name taken from an index is untrusted: absolute paths, {@code ..} components and
 * symlinks whose real target lies outside the directory are refused. The one outside target
 * allowed is the Hugging Face hub cache layout, where {@code <repo>/snapshots/<rev>/} holds
 * symlinks into {@code <repo>/blobs/}.
 */
final class ModelDirectory {

    static final String SINGLE_FILE = "model.safetensors";
    static final String INDEX_FILE = "model.safetensors.index.json";

    private final Path dir;
    private final Path realDir;
    private final Path hubBlobs;

    private ModelDirectory(Path dir, Path realDir) {
        this.dir = dir;
        this.realDir = realDir;
        Path parent = realDir.getParent();
        boolean inHubCache = parent != null && parent.getFileName() != null
                && parent.getFileName().toString().equals("snapshots") && parent.getParent() != null;
        this.hubBlobs = inHubCache ? parent.getParent().resolve("blobs") : null;
    }

    static ModelDirectory of(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir, "not a model directory (does not exist or is not a directory)");
        }
        try {
            return new ModelDirectory(dir, dir.toRealPath());
        } catch (IOException e) {
            throw new CheckpointException(dir, "cannot resolve the model directory: " + e.getMessage(), e);
        }
    }

    Path path() {
        return dir;
    }

    /** {@code model.safetensors} when present (it wins, as in transformers), else null. */
    Path singleFile() {
        Path single = dir.resolve(SINGLE_FILE);
        return Files.exists(single, LinkOption.NOFOLLOW_LINKS) ? weightFile(SINGLE_FILE, single) : null;
    }

    /** {@code model.safetensors.index.json} when present, else null. */
    Path indexFile() {
        Path index = dir.resolve(INDEX_FILE);
        return Files.exists(index, LinkOption.NOFOLLOW_LINKS) ? weightFile(INDEX_FILE, index) : null;
    }

    /** The error for a directory without safetensors weights: pickles are named and never opened. */
    CheckpointException noSafetensors() {
        List<String> pickles = pickleCheckpoints();
        if (!pickles.isEmpty()) {
            return new CheckpointException(dir, "holds only PyTorch pickle checkpoints " + pickles
                    + "; they are never deserialized (loading a pickle can run arbitrary code). Convert the model to"
                    + " safetensors first, e.g. in Python: model.save_pretrained(out_dir, safe_serialization=True)");
        }
        return new CheckpointException(dir, "has no " + SINGLE_FILE + " and no " + INDEX_FILE);
    }

    private List<String> pickleCheckpoints() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".bin") || n.endsWith(".bin.index.json") || n.endsWith(".pt")
                            || n.endsWith(".pth") || n.endsWith(".ckpt"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Resolves the weight file {@code name} as named by {@code namedIn}, refusing names that could
     * reach outside the directory and files that do not exist.
     */
    Path weightFile(String name, Path namedIn) {
        Path relative;
        try {
            relative = Path.of(name);
        } catch (InvalidPathException e) {
            throw new CheckpointException(namedIn, "weight file name \"" + name + "\" is not a valid path");
        }
        if (name.isEmpty() || relative.isAbsolute() || name.startsWith("/") || name.startsWith("\\")) {
            throw new CheckpointException(namedIn, "weight file \"" + name + "\" must be a file name inside the"
                    + " model directory, not an absolute path");
        }
        for (Path part : relative) {
            if (part.toString().equals("..")) {
                throw new CheckpointException(namedIn, "weight file \"" + name + "\" climbs out of the model"
                        + " directory with '..'");
            }
        }
        Path resolved = dir.resolve(relative);
        Path real;
        try {
            real = resolved.toRealPath();
        } catch (NoSuchFileException e) {
            throw new CheckpointException(namedIn, "weight file \"" + name + "\" does not exist in " + dir, e);
        } catch (IOException e) {
            throw new CheckpointException(namedIn, "weight file \"" + name + "\" cannot be resolved: " + e.getMessage(), e);
        }
        if (!real.startsWith(realDir) && (hubBlobs == null || !real.startsWith(hubBlobs))) {
            throw new CheckpointException(namedIn, "weight file \"" + name + "\" resolves to " + real
                    + ", outside the model directory " + realDir);
        }
        if (!Files.isRegularFile(real)) {
            throw new CheckpointException(namedIn, "weight file \"" + name + "\" is not a regular file");
        }
        return resolved;
    }
}
