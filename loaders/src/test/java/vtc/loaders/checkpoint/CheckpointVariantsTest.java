package vtc.loaders.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtc.engine.llava.LlavaWeights;
import vtc.engine.tensor.DType;
import vtc.engine.tensor.WeightMatrix;
import vtc.fixtures.Fixtures;
import vtc.loaders.safetensors.SafetensorsFile;
import vtc.loaders.safetensors.TensorSpec;

/** Checkpoints that differ from the fixtures in legitimate ways: other dtypes, shards, naming, optional tensors. */
class CheckpointVariantsTest {

    private static final Path F32 = Fixtures.model(Fixtures.TINY_LLAVA);

    @TempDir
    Path tmp;

    @Test
    void bf16ShardsWrittenByTheWriterReadBackRoundedToNearest() throws IOException {
        long limit = 400_000;
        Path dir = FixtureCopies.rewrite(F32, tmp.resolve("m"), limit,
                t -> new TensorSpec(t.name(), DType.BF16, t.shape()));
        // 3 007 360 bytes of F32 become 1 503 680 of BF16: at least 4 shards of ≤ 400 000 bytes.
        List<Path> shards;
        try (var files = Files.list(dir)) {
            shards = files.filter(f -> f.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        }
        assertTrue(shards.size() >= 4, "shards: " + shards);
        String n = String.format("%05d", shards.size());
        assertEquals("model-00001-of-" + n + ".safetensors", shards.get(0).getFileName().toString());
        assertTrue(Files.exists(dir.resolve(ModelDirectory.INDEX_FILE)));
        for (Path shard : shards) {
            try (SafetensorsFile f = SafetensorsFile.open(shard)) {
                long data = f.tensors().stream().mapToLong(t -> t.byteSize()).sum();
                assertTrue(data <= limit, shard + " holds " + data + " bytes");
            }
        }
        // bf16 keeps 8 significant bits: for 2^e <= |x| the spacing is 2^(e-7), so rounding to
        // nearest is off by at most 2^(e-8) <= |x|·2^-8.
        compareAll(dir, DType.BF16, x -> Math.abs(x) * 0x1p-8);
    }

    @Test
    void f16CheckpointThatFitsOneShardIsASingleFile() throws IOException {
        Path dir = FixtureCopies.rewrite(F32, tmp.resolve("m"), Long.MAX_VALUE,
                t -> new TensorSpec(t.name(), DType.F16, t.shape()));
        assertTrue(Files.exists(dir.resolve("model.safetensors")));
        assertFalse(Files.exists(dir.resolve(ModelDirectory.INDEX_FILE)));
        // f16 keeps 11 significant bits (at most |x|·2^-11 off); below 2^-14 the spacing is fixed at 2^-24.
        compareAll(dir, DType.F16, x -> Math.max(Math.abs(x) * 0x1p-11, 0x1p-25));
    }

    @Test
    void transformers452NamesBindToTheSameWeights() throws IOException {
        Path dir = FixtureCopies.rewrite(F32, tmp.resolve("m"), Long.MAX_VALUE,
                t -> new TensorSpec(TensorNaming.TRANSFORMERS_4_52.stored(t.name()), t.dtype(), t.shape()));
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertTrue(f.contains("model.language_model.layers.0.self_attn.q_proj.weight"));
            assertTrue(f.contains("model.vision_tower.vision_model.embeddings.class_embedding"));
            assertTrue(f.contains("model.multi_modal_projector.linear_1.bias"));
            assertTrue(f.contains("lm_head.weight"));
        }
        compareAll(dir, DType.F32, x -> 0.0);
    }

    @Test
    void tiedEmbeddingsNeedNoLmHead() throws IOException {
        Path dir = FixtureCopies.rewrite(F32, tmp.resolve("m"), Long.MAX_VALUE,
                t -> t.name().equals(RequiredTensors.LM_HEAD) ? null : t);
        FixtureCopies.editConfig(dir, c -> c.getAsJsonObject("text_config").addProperty("tie_word_embeddings", true));
        try (LlavaCheckpoint ckpt = LlavaCheckpoint.open(dir)) {
            assertSame(ckpt.weights().text().embedTokens(), ckpt.weights().text().lmHead());
        }
    }

    @Test
    void layersAfterTheFeatureLayerAndPostLayernormMayBeAbsent() throws IOException {
        Path dir = FixtureCopies.rewrite(F32, tmp.resolve("m"), Long.MAX_VALUE,
                t -> t.name().contains("encoder.layers.5.") || t.name().contains("post_layernorm") ? null : t);
        try (LlavaCheckpoint ckpt = LlavaCheckpoint.open(dir)) {
            assertEquals(5, ckpt.weights().vision().layers().size());
            assertEquals(137 - 16 - 2, ckpt.tensors().size());
        }
    }

    @Test
    void huggingFaceCacheSymlinksIntoBlobsAreAccepted() throws IOException {
        // <repo>/snapshots/<rev>/file -> ../../blobs/<hash>, as the hub cache stores downloads.
        Path repo = tmp.resolve("models--tiny--llava");
        Path blobs = Files.createDirectories(repo.resolve("blobs"));
        Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve("0123abcd"));
        for (String name : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(F32.resolve(name), blobs.resolve("blob-" + name));
            Files.createSymbolicLink(snapshot.resolve(name), Path.of("../../blobs/blob-" + name));
        }
        try (LlavaCheckpoint ckpt = LlavaCheckpoint.open(snapshot)) {
            assertEquals(137, ckpt.tensors().size());
        }
    }

    /** Every bound matrix and vector of {@code dir} against the F32 fixture, within {@code tolerance(x)}. */
    private static void compareAll(Path dir, DType dtype, Function<Float, Double> tolerance) {
        try (LlavaCheckpoint original = LlavaCheckpoint.open(F32); LlavaCheckpoint copy = LlavaCheckpoint.open(dir)) {
            assertTrue(copy.tensors().stream().allMatch(t -> t.dtype().equals(dtype.name())));
            LlavaWeights a = original.weights();
            LlavaWeights b = copy.weights();
            compare(a.vision().patchEmbedding(), b.vision().patchEmbedding(), tolerance);
            compare(a.vision().positionEmbedding(), b.vision().positionEmbedding(), tolerance);
            compare(a.vision().classEmbedding(), b.vision().classEmbedding(), tolerance);
            for (int i = 0; i < a.vision().layers().size(); i++) {
                var la = a.vision().layers().get(i);
                var lb = b.vision().layers().get(i);
                compare(la.qProj(), lb.qProj(), tolerance);
                compare(la.outProj(), lb.outProj(), tolerance);
                compare(la.fc2(), lb.fc2(), tolerance);
                compare(la.layerNorm1Bias(), lb.layerNorm1Bias(), tolerance);
                compare(la.fc1Bias(), lb.fc1Bias(), tolerance);
            }
            compare(a.projector().linear2(), b.projector().linear2(), tolerance);
            compare(a.projector().bias1(), b.projector().bias1(), tolerance);
            for (int i = 0; i < a.text().layers().size(); i++) {
                var la = a.text().layers().get(i);
                var lb = b.text().layers().get(i);
                compare(la.kProj(), lb.kProj(), tolerance);
                compare(la.downProj(), lb.downProj(), tolerance);
                compare(la.inputLayerNorm(), lb.inputLayerNorm(), tolerance);
            }
            compare(a.text().embedTokens(), b.text().embedTokens(), tolerance);
            compare(a.text().lmHead(), b.text().lmHead(), tolerance);
            compare(a.text().norm(), b.text().norm(), tolerance);
        }
    }

    private static void compare(WeightMatrix expected, WeightMatrix actual, Function<Float, Double> tolerance) {
        assertEquals(expected.rows(), actual.rows(), expected.name());
        assertEquals(expected.cols(), actual.cols(), expected.name());
        for (int r = 0; r < expected.rows(); r++) {
            for (int c = 0; c < expected.cols(); c++) {
                check(expected.name() + "[" + r + "," + c + "]", expected.get(r, c), actual.get(r, c), tolerance);
            }
        }
    }

    private static void compare(float[] expected, float[] actual, Function<Float, Double> tolerance) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            check("vector[" + i + "]", expected[i], actual[i], tolerance);
        }
    }

    private static void check(String what, float expected, float actual, Function<Float, Double> tolerance) {
        double diff = Math.abs((double) expected - actual);
        if (!(diff <= tolerance.apply(expected))) {
            fail(what + ": expected " + expected + ", got " + actual + " (|diff| " + diff + ")");
        }
    }
}
