package vtc.tools;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import vtc.engine.llava.LlavaConfig;
import vtc.loaders.checkpoint.ExpectedTensor;
import vtc.loaders.checkpoint.LlavaCheckpoint;
import vtc.loaders.checkpoint.RequiredTensors;
import vtc.loaders.config.LlavaConfigLoader;
import vtc.loaders.safetensors.TensorInfo;

/**
 * {@code vtc inspect DIR}: the parsed configuration (Hugging Face defaults filled in) and the
 * tensor inventory as JSON. A directory with only {@code config.json} lists the tensors a
 * checkpoint for that config must contain, with their shapes.
 */
final class InspectCommand implements Command {

    @Override
    public String name() {
        return "inspect";
    }

    @Override
    public String summary() {
        return "parsed config and tensor inventory of a model directory, as JSON";
    }

    @Override
    public String help() {
        return """
                usage: vtc inspect --model DIR [--config]      (or: vtc inspect DIR)

                Prints one JSON object: "config" (config.json with every omitted field set to its Hugging Face
                default) and "tensors" (name, dtype, shape, file of every stored tensor; the checkpoint is fully
                validated against the config). A directory without weights is an error (exit 1) unless --config
                asks for the config view: the parsed config and "required_tensors" (what a checkpoint for this
                config must contain, llava-hf names, with shapes).
                """;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("model");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("config");
    }

    @Override
    public int run(CommandLine line, Terminal terminal) {
        Path dir;
        if (line.value("model") != null) {
            line.positionals(0, "either --model DIR or DIR, not both");
            dir = ModelArguments.modelDir(line);
        } else {
            dir = ModelLocation.check(Path.of(line.positionals(1, "one model directory (--model DIR or DIR)").get(0)));
        }
        if (!Files.isDirectory(dir)) {
            throw new vtc.loaders.LoadException(dir, "not a model directory (does not exist or is not a directory)");
        }
        JsonObject report = new JsonObject();
        report.addProperty("directory", dir.toString());
        boolean hasWeights = Files.exists(dir.resolve("model.safetensors"))
                || Files.exists(dir.resolve("model.safetensors.index.json"));
        if (hasWeights) {
            try (LlavaCheckpoint checkpoint = LlavaCheckpoint.open(dir)) {
                report.add("config", config(checkpoint.config()));
                report.add("tensors", stored(checkpoint.tensors(), dir));
                report.addProperty("parameters", checkpoint.tensors().stream().mapToLong(TensorInfo::elementCount).sum());
            }
        } else if (!line.flag("config")) {
            throw new vtc.loaders.LoadException(dir, "holds no weights (no model.safetensors or"
                    + " model.safetensors.index.json); vtc inspect --config shows the parsed config and the tensors a"
                    + " checkpoint for it must contain");
        } else {
            LlavaConfig config = LlavaConfigLoader.load(dir.resolve(LlavaConfigLoader.FILE_NAME));
            List<ExpectedTensor> required = RequiredTensors.of(config);
            report.add("config", config(config));
            report.add("required_tensors", expected(required));
            report.addProperty("parameters", required.stream().mapToLong(InspectCommand::elements).sum());
        }
        terminal.out().println(RunReport.toJson(report));
        return Main.OK;
    }

    private static JsonObject config(LlavaConfig config) {
        // Hugging Face's own snake_case field names, so the output reads like the config.json it came from.
        return new GsonBuilder().setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create()
                .toJsonTree(config).getAsJsonObject();
    }

    private static JsonArray stored(List<TensorInfo> tensors, Path dir) {
        JsonArray out = new JsonArray();
        for (TensorInfo t : tensors) {
            JsonObject o = new JsonObject();
            o.addProperty("name", t.name());
            o.addProperty("dtype", t.dtype());
            o.add("shape", shape(t.shape()));
            o.addProperty("file", dir.relativize(t.file()).toString());
            out.add(o);
        }
        return out;
    }

    private static JsonArray expected(List<ExpectedTensor> tensors) {
        JsonArray out = new JsonArray();
        for (ExpectedTensor t : tensors) {
            JsonObject o = new JsonObject();
            o.addProperty("name", t.name());
            o.add("shape", shape(t.shape()));
            o.addProperty("required", t.required());
            out.add(o);
        }
        return out;
    }

    private static JsonArray shape(long[] dims) {
        JsonArray a = new JsonArray();
        for (long d : dims) {
            a.add(d);
        }
        return a;
    }

    private static long elements(ExpectedTensor t) {
        long n = 1;
        for (long d : t.shape()) {
            n *= d;
        }
        return n;
    }
}
