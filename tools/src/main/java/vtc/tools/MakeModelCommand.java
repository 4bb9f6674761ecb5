package vtc.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import vtc.engine.tensor.DType;
import vtc.loaders.checkpoint.ExpectedTensor;
import vtc.loaders.checkpoint.RequiredTensors;
import vtc.loaders.checkpoint.ShardedCheckpointWriter;
import vtc.loaders.config.LlavaConfigLoader;
import vtc.loaders.safetensors.TensorSpec;

/**
 * {@code vtc make-model}: a random-weight checkpoint in the exact llava-hf layout, so speed and
 * memory can be measured at real sizes without downloading 14 GB. Tensors are streamed one chunk
 * at a time, so a 7B model is written with a few megabytes of heap.
 */
final class MakeModelCommand implements Command {

    /** transformers' default {@code max_shard_size} ("5GB"). */
    private static final long DEFAULT_SHARD_BYTES = 5_000_000_000L;

    @Override
    public String name() {
        return "make-model";
    }

    @Override
    public String summary() {
        return "write a random-weight checkpoint with the shapes of LLaVA-1.5-7B/13B or llava-mini";
    }

    @Override
    public String help() {
        return """
                usage: vtc make-model --preset llava-1.5-7b|llava-1.5-13b|llava-mini --dtype f32|f16|bf16 --out DIR [--seed S]

                Writes config.json (as the real llava-hf one), sharded safetensors with
                model.safetensors.index.json (5 GB shards, as save_pretrained), preprocessor_config.json,
                generation_config.json and a tokenizer. Weights: N(0, 0.02)-scaled uniform noise, norms 1,
                biases 0 — the text it generates is meaningless; use it for timing and memory.

                  llava-1.5-7b   CLIP ViT-L/14-336 + Vicuna-7B shapes   (7.1B parameters, 14 GB in f16)
                  llava-1.5-13b  CLIP ViT-L/14-336 + Vicuna-13B shapes  (13.4B parameters, 27 GB in f16)
                  llava-mini     CLIP ViT-L/14-336 + a 1.1B decoder (22 layers, 2048 wide, 32 heads, 4 KV heads,
                                 MLP 5632, vocab 32064)

                The tokenizer is the embedded tiny model's BPE tokenizer (512 pieces) extended to the preset's
                vocabulary with placeholder pieces <extra_N> and <image> at id 32000: text encodes to the same
                few hundred ids, and generated ids beyond them decode as their placeholder text.
                """;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("preset", "dtype", "out", "seed", "max-shard-bytes");
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of();
    }

    @Override
    public int run(CommandLine line, Terminal terminal) throws IOException {
        line.positionals(0, "no positional arguments");
        ModelPreset preset = ModelPreset.parse(line.required("preset"));
        DType dtype = dtype(line.required("dtype"));
        Path out = Path.of(line.required("out"));
        long seed = line.longValue("seed", 0);
        long shardBytes = line.longValue("max-shard-bytes", DEFAULT_SHARD_BYTES);
        if (shardBytes <= 0) {
            throw new UsageException("make-model: --max-shard-bytes must be positive, got " + shardBytes);
        }
        Path fixture = FixtureHome.tinyLlava();
        prepareEmpty(out);

        PresetTokenizer.writeJson(out.resolve(LlavaConfigLoader.FILE_NAME), preset.config(torchDtype(dtype)));
        List<TensorSpec> specs = new ArrayList<>();
        for (ExpectedTensor t : RequiredTensors.of(LlavaConfigLoader.load(out.resolve(LlavaConfigLoader.FILE_NAME)))) {
            specs.add(new TensorSpec(t.name(), dtype, t.shape()));
        }
        long total = specs.stream().mapToLong(TensorSpec::byteSize).sum();
        long free = Files.getFileStore(out).getUsableSpace();
        if (free < total) {
            throw new IOException(out + ": needs " + gigabytes(total) + " GB but only " + gigabytes(free) + " GB are free");
        }
        writeWeights(out, specs, shardBytes, seed, total, terminal);
        PresetTokenizer.writeJson(out.resolve("preprocessor_config.json"), preset.preprocessorConfig());
        PresetTokenizer.writeJson(out.resolve("generation_config.json"), preset.generationConfig());
        PresetTokenizer.write(fixture, out, preset);
        Files.writeString(out.resolve("README.md"), readme(preset, dtype, seed), StandardCharsets.UTF_8);

        long parameters = specs.stream().mapToLong(TensorSpec::elementCount).sum();
        terminal.out().printf("wrote %s: preset %s, %s, %,d parameters, %s GB in %d tensors%n", out, preset.cliName,
                dtype, parameters, gigabytes(total), specs.size());
        return Main.OK;
    }

    private static void writeWeights(Path out, List<TensorSpec> specs, long shardBytes, long seed, long total,
                                     Terminal terminal) {
        long written = 0;
        int lastPercent = -1;
        long start = System.nanoTime();
        try (ShardedCheckpointWriter writer = ShardedCheckpointWriter.create(out, specs, shardBytes)) {
            for (TensorSpec t : specs) {
                writer.write(t.name(), RandomWeights.of(t.name(), t.shape(), seed));
                written += t.byteSize();
                int percent = (int) (100 * written / total);
                if (percent / 5 != lastPercent / 5) {
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    double left = elapsed * (total - written) / Math.max(written, 1);
                    terminal.progress(String.format("  %3d%%  %s — %s elapsed, about %s left", percent, t.name(),
                            Terminal.Steps.seconds(elapsed), Terminal.Steps.seconds(left)));
                    lastPercent = percent;
                }
            }
        }
    }

    /** The output folder must be new or empty: a checkpoint is never written over another one. */
    private static void prepareEmpty(Path out) throws IOException {
        if (Files.exists(out)) {
            if (!Files.isDirectory(out)) {
                throw new IOException(out + " exists and is not a directory");
            }
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException(out + " is not empty; choose a new directory");
                }
            }
        }
        Files.createDirectories(out);
    }

    private static DType dtype(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "f32", "float32" -> DType.F32;
            case "f16", "float16" -> DType.F16;
            case "bf16", "bfloat16" -> DType.BF16;
            default -> throw new UsageException("make-model: --dtype must be f32, f16 or bf16, got \"" + name + "\"");
        };
    }

    private static String torchDtype(DType dtype) {
        return switch (dtype) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            case Q8_0 -> throw new IllegalArgumentException("Q8_0 is made at load, never stored in a checkpoint");
        };
    }

    private static String gigabytes(long bytes) {
        return String.format("%.2f", bytes / 1e9);
    }

    private static String readme(ModelPreset preset, DType dtype, long seed) {
        return """
                # Random-weight LLaVA checkpoint (%s, %s, seed %d)

                Written by `vtc make-model`. The layout, shapes and configuration are those of a real llava-hf
                checkpoint; the weights are random (uniform noise with standard deviation 0.02, norms 1, biases 0),
                so generated text is meaningless. Use it to measure speed and memory, not quality.

                The tokenizer is the tiny test model's 512-piece BPE tokenizer. When the preset's vocabulary is
                larger, the missing ids are placeholder pieces `<extra_N>` that encoding never produces and
                decoding prints literally, and `<image>` sits at the config's image_token_index.
                """.formatted(preset.cliName, dtype, seed);
    }
}
