package vtc.fuzz;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import vtc.engine.tensor.DType;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;
import vtc.loaders.safetensors.SafetensorsFile;
import vtc.loaders.safetensors.SafetensorsWriter;
import vtc.loaders.safetensors.TensorSpec;

/**
 * The seed corpus of every fuzz target, built from the golden fixtures: each seed is a valid
 * input (or, for the safetensors header, the real header without its data), so that the fuzzer
 * starts from deep inside each format instead of guessing its magic bytes. Jazzer reads a
 * target's seeds from {@code src/test/resources/vtc/fuzz/<Class>Inputs/<method>/}.
 */
final class SeedCorpora {

    /** Small tensors of the F32 fixture: enough to exercise every header field without megabytes of data. */
    private static final List<String> SMALL_TENSORS = List.of(
            "vision_tower.vision_model.embeddings.class_embedding",
            "vision_tower.vision_model.encoder.layers.0.layer_norm1.bias",
            "vision_tower.vision_model.encoder.layers.0.layer_norm1.weight");

    private SeedCorpora() {
    }

    /** Target directory (relative to the resources root) to its seeds, file name to bytes. */
    static Map<String, Map<String, byte[]>> build(Path scratch) {
        Path f32 = Fixtures.model(Fixtures.TINY_LLAVA);
        Path bf16 = Fixtures.model(Fixtures.TINY_LLAVA_BF16);
        Path real = Fixtures.realConfig("llava-1.5-7b-hf");
        Map<String, Map<String, byte[]>> seeds = new LinkedHashMap<>();
        seeds.put(dir("SafetensorsFuzzTest", "safetensorsFile"), Map.of(
                "f32-small.safetensors", smallSafetensors(scratch, DType.F32),
                "bf16-small.safetensors", smallSafetensors(scratch, DType.BF16),
                "f16-small.safetensors", smallSafetensors(scratch, DType.F16),
                "f32-fixture-header-only.safetensors", headerOnly(f32.resolve("model.safetensors"))));
        seeds.put(dir("ShardIndexFuzzTest", "shardIndex"), Map.of(
                "bf16-fixture.index.json", read(bf16.resolve("model.safetensors.index.json"))));
        seeds.put(dir("LlavaConfigFuzzTest", "configJson"), Map.of(
                "tiny-llava.json", read(f32.resolve("config.json")),
                "tiny-llava-bf16.json", read(bf16.resolve("config.json")),
                "llava-1.5-7b-hf.json", read(real.resolve("config.json"))));
        seeds.put(dir("PreprocessorConfigFuzzTest", "preprocessorConfigJson"), Map.of(
                "tiny-llava.json", read(f32.resolve("preprocessor_config.json")),
                "tiny-llava-bf16.json", read(bf16.resolve("preprocessor_config.json")),
                "llava-1.5-7b-hf.json", read(real.resolve("preprocessor_config.json")),
                "tiny-std.json", "{\"crop_size\": 112, \"size\": 112, \"image_std\": 1e-300}".getBytes(StandardCharsets.UTF_8)));
        seeds.put(dir("TokenizerJsonFuzzTest", "tokenizerJson"), Map.of(
                "tiny-llava.tokenizer.json", read(f32.resolve("tokenizer.json")),
                "metaspace-empty-replacement.tokenizer.json", metaspaceWithEmptyReplacement(f32)));
        seeds.put(dir("SentencePieceFuzzTest", "tokenizerModel"), Map.of(
                "tiny-llava.tokenizer.model", read(f32.resolve("tokenizer.model")),
                "empty-user-defined-piece.tokenizer.model", withEmptyUserDefinedPiece(f32)));
        seeds.put(dir("WeightValuesFuzzTest", "weightValues"), weightPatches(f32));
        seeds.put(dir("TokenizerTextFuzzTest", "text"), goldenTexts());
        seeds.put(dir("ImageFuzzTest", "imageFile"), images(f32.resolve("golden")));
        return seeds;
    }

    /** The hostile tokenizer.json: Metaspace with an empty replacement (used to loop when encoding). */
    private static byte[] metaspaceWithEmptyReplacement(Path fixture) {
        JsonObject json = JsonParser.parseString(new String(read(fixture.resolve("tokenizer.json")), StandardCharsets.UTF_8))
                .getAsJsonObject();
        JsonObject metaspace = new JsonObject();
        metaspace.addProperty("type", "Metaspace");
        metaspace.addProperty("replacement", "");
        metaspace.addProperty("prepend_scheme", "always");
        json.add("pre_tokenizer", metaspace);
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The fixture's tokenizer.model plus a USER_DEFINED piece with an empty string (used to loop when encoding). */
    private static byte[] withEmptyUserDefinedPiece(Path fixture) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(read(fixture.resolve("tokenizer.model")));
        out.writeBytes(new byte[] {0x0A, 0x04, 0x0A, 0x00, 0x18, 0x04});
        return out.toByteArray();
    }

    /** No patch, and a NaN or infinity in the vision tower, the projector and the lm_head. */
    private static Map<String, byte[]> weightPatches(Path fixture) {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        try (SafetensorsFile weights = SafetensorsFile.open(fixture.resolve("model.safetensors"))) {
            long dataStart = weights.tensors().stream().mapToLong(t -> t.fileOffset()).min().orElseThrow();
            seeds.put("unchanged.bin", new byte[0]);
            seeds.put("nan-in-vision.bin", WeightValuesFuzzTest.patch(floatIndex(weights,
                    "vision_tower.vision_model.pre_layrnorm.weight", dataStart), Float.NaN));
            seeds.put("inf-in-projector.bin", WeightValuesFuzzTest.patch(floatIndex(weights,
                    "multi_modal_projector.linear_1.weight", dataStart), Float.POSITIVE_INFINITY));
            seeds.put("nan-in-lm-head.bin", WeightValuesFuzzTest.patch(floatIndex(weights,
                    "language_model.lm_head.weight", dataStart), Float.NaN));
        }
        return seeds;
    }

    private static int floatIndex(SafetensorsFile weights, String tensor, long dataStart) {
        return (int) ((weights.info(tensor).fileOffset() - dataStart) / Float.BYTES);
    }

    private static String dir(String testClass, String method) {
        return "vtc/fuzz/" + testClass + "Inputs/" + method;
    }

    /** The three small tensors of the F32 fixture, stored as {@code dtype}, with metadata. */
    private static byte[] smallSafetensors(Path scratch, DType dtype) {
        Path file = scratch.resolve("small-" + dtype + ".safetensors");
        try (SafetensorsFile fixture = SafetensorsFile.open(Fixtures.model(Fixtures.TINY_LLAVA).resolve("model.safetensors"))) {
            List<TensorSpec> specs = SMALL_TENSORS.stream()
                    .map(name -> new TensorSpec(name, dtype, fixture.info(name).shape())).toList();
            try (SafetensorsWriter writer = SafetensorsWriter.create(file, specs, Map.of("format", "pt"))) {
                for (String name : SMALL_TENSORS) {
                    writer.write(name, fixture.floats(name));
                }
            }
        }
        return read(file);
    }

    /** The fixture's length prefix and real header (every tensor of the model), without the data. */
    private static byte[] headerOnly(Path safetensors) {
        byte[] prefix = new byte[8];
        try (var in = Files.newInputStream(safetensors)) {
            in.readNBytes(prefix, 0, 8);
            long length = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
            byte[] header = in.readNBytes((int) length);
            return ByteBuffer.allocate(8 + header.length).put(prefix).put(header).array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The golden prompt and every golden tokenizer test text. */
    private static Map<String, byte[]> goldenTexts() {
        Golden golden = Golden.of(Fixtures.TINY_LLAVA);
        Map<String, byte[]> texts = new LinkedHashMap<>();
        texts.put("prompt.txt", golden.at("prompt.text").getAsString().getBytes(StandardCharsets.UTF_8));
        int i = 0;
        for (JsonElement test : golden.at("tokenizer_tests").getAsJsonArray()) {
            String text = test.getAsJsonObject().get("text").getAsString();
            texts.put(String.format("tokenizer-test-%02d.txt", i++), text.getBytes(StandardCharsets.UTF_8));
        }
        return texts;
    }

    /** The golden PNG and JPEG, and a 12×8 cut of the PNG in the colour models the decoder must convert. */
    private static Map<String, byte[]> images(Path goldenDir) {
        Map<String, byte[]> images = new LinkedHashMap<>();
        images.put("image1.png", read(goldenDir.resolve("image1.png")));
        images.put("image2.jpg", read(goldenDir.resolve("image2.jpg")));
        BufferedImage source;
        try {
            source = ImageIO.read(goldenDir.resolve("image1.png").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        images.put("small-rgb.png", encode(source, BufferedImage.TYPE_INT_RGB, "png"));
        images.put("small-rgba.png", encode(source, BufferedImage.TYPE_INT_ARGB, "png"));
        images.put("small-grey.png", encode(source, BufferedImage.TYPE_BYTE_GRAY, "png"));
        images.put("small-grey16.png", encode(source, BufferedImage.TYPE_USHORT_GRAY, "png"));
        images.put("small-palette.png", encode(source, BufferedImage.TYPE_BYTE_INDEXED, "png"));
        images.put("small-rgb.jpg", encode(source, BufferedImage.TYPE_INT_RGB, "jpeg"));
        images.put("small-grey.jpg", encode(source, BufferedImage.TYPE_BYTE_GRAY, "jpeg"));
        return images;
    }

    private static byte[] encode(BufferedImage source, int type, String format) {
        BufferedImage small = new BufferedImage(12, 8, type);
        var g = small.createGraphics();
        g.drawImage(source, 0, 0, 12, 8, null);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(small, format, out)) {
                throw new IllegalStateException("no " + format + " writer for image type " + type);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
