package vtc.loaders.checkpoint;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import vtc.engine.tensor.DType;
import vtc.loaders.safetensors.SafetensorsFile;
import vtc.loaders.safetensors.TensorSpec;

/** Copies of the fixture model directories, whole or altered, for tests that need a broken one. */
final class FixtureCopies {

    private FixtureCopies() {
    }

    /** Copies config.json and the weight files (not the goldens) of {@code src} into {@code dst}. */
    static Path copy(Path src, Path dst) throws IOException {
        Files.createDirectories(dst);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.equals("config.json") || name.startsWith("model")) {
                    Files.copy(f, dst.resolve(name));
                }
            }
        }
        return dst;
    }

    /** Rewrites {@code dir}/config.json with one change. */
    static void editConfig(Path dir, Consumer<JsonObject> change) throws IOException {
        Path file = dir.resolve("config.json");
        JsonObject config = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        change.accept(config);
        Files.writeString(file, config.toString());
    }

    /** How one tensor is re-stored: a new spec, or null to leave it out. */
    interface Restore extends Function<TensorSpec, TensorSpec> {
    }

    /**
     * Writes the tensors of the single-file checkpoint {@code src} to {@code dst} through the
     * project's writer, re-stored by {@code restore}, in shards of at most {@code maxShardBytes};
     * the config is copied unchanged.
     */
    static Path rewrite(Path src, Path dst, long maxShardBytes, Restore restore) throws IOException {
        Files.createDirectories(dst);
        Files.copy(src.resolve("config.json"), dst.resolve("config.json"));
        try (SafetensorsFile in = SafetensorsFile.open(src.resolve("model.safetensors"))) {
            List<TensorSpec> specs = new ArrayList<>();
            List<String> sources = new ArrayList<>();
            for (var t : in.tensors()) {
                TensorSpec spec = restore.apply(new TensorSpec(t.name(), DType.valueOf(t.dtype()), t.shape()));
                if (spec != null) {
                    specs.add(spec);
                    sources.add(t.name());
                }
            }
            try (ShardedCheckpointWriter out = ShardedCheckpointWriter.create(dst, specs, maxShardBytes)) {
                for (int i = 0; i < specs.size(); i++) {
                    out.write(specs.get(i).name(), in.floats(sources.get(i)));
                }
            }
        }
        return dst;
    }
}
