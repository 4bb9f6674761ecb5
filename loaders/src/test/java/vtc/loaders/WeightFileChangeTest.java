package vtc.loaders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtc.api.Llava;
import vtc.engine.llava.GenerationOptions;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;
import vtc.loaders.checkpoint.WeightOptions;
import vtc.loaders.image.PreprocessMode;
import vtc.loaders.safetensors.SafetensorsException;
import vtc.loaders.safetensors.WeightStorage;

/**
 * What happens to a loaded model when its weight file changes underneath it. Before weights were
 * copied into owned memory, truncating the file of a running model (as {@code cp} over it does)
 * killed the JVM with SIGBUS inside the compiled kernels: if that came back, this test would not
 * fail politely, the test JVM would die.
 */
class WeightFileChangeTest {

    private static final GenerationOptions GOLDEN = new GenerationOptions(8, 0, 1, 0, false);

    private static Path copyOfFixture(Path dir) throws IOException {
        Path src = Fixtures.model(Fixtures.TINY_LLAVA);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return dir;
    }

    private static Llava.Request request(Golden golden) {
        return Llava.Request.of(golden.file("image1.png"), "What is in the picture?")
                .withPreprocess(PreprocessMode.PAD).withOptions(GOLDEN);
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    @Test
    void inMemoryWeightsIgnoreATruncatedOrRewrittenFile(@TempDir Path dir) throws IOException {
        Golden golden = Golden.of(Fixtures.TINY_LLAVA);
        Path model = copyOfFixture(dir);
        Path weights = model.resolve("model.safetensors");
        long size = Files.size(weights);
        try (Llava llava = Llava.load(model, 2)) {
            int[] expected = golden.ints("greedy.runs.full.generated_ids");
            assertArrayEquals(expected, llava.generate(request(golden), null).generation().generatedIds());

            truncate(weights, 16);
            assertArrayEquals(expected, llava.generate(request(golden), null).generation().generatedIds(),
                    "a truncated file changes nothing: the weights were copied at load");

            Files.write(weights, new byte[(int) size]); // same size, every byte zero
            assertArrayEquals(expected, llava.generate(request(golden), null).generation().generatedIds(),
                    "a file rewritten in place changes no answer");
        }
    }

    @Test
    void mappedWeightsRefuseNewRequestsOnceTheFileChanged(@TempDir Path dir) throws IOException {
        Golden golden = Golden.of(Fixtures.TINY_LLAVA);
        Path model = copyOfFixture(dir);
        Path weights = model.resolve("model.safetensors");
        WeightOptions mapped = WeightOptions.DEFAULT.withStorage(WeightStorage.MAPPED);
        try (Llava llava = Llava.load(model, 2, mapped)) {
            assertArrayEquals(golden.ints("greedy.runs.full.generated_ids"),
                    llava.generate(request(golden), null).generation().generatedIds());

            truncate(weights, 16);
            var e = assertThrows(SafetensorsException.class, () -> llava.generate(request(golden), null));
            assertEquals(weights, e.file());
            assertTrue(e.getMessage().contains("changed since the model loaded"), e.getMessage());
            assertTrue(e.getMessage().contains("reload the model"), e.getMessage());
        }
    }

    @Test
    void mappedWeightsRefuseAFileRewrittenAtTheSameSize(@TempDir Path dir) throws IOException {
        Golden golden = Golden.of(Fixtures.TINY_LLAVA);
        Path model = copyOfFixture(dir);
        Path weights = model.resolve("model.safetensors");
        try (Llava llava = Llava.load(model, 1, WeightOptions.DEFAULT.withStorage(WeightStorage.MAPPED))) {
            FileTime loaded = Files.getLastModifiedTime(weights);
            Files.setLastModifiedTime(weights, FileTime.fromMillis(loaded.toMillis() + 2000));
            var e = assertThrows(SafetensorsException.class, () -> llava.generate(request(golden), null));
            assertTrue(e.getMessage().contains("modified"), e.getMessage());
        }
    }

    @Test
    void q8WeightsOutliveTheirFile(@TempDir Path dir) throws IOException {
        Golden golden = Golden.of(Fixtures.TINY_LLAVA);
        Path model = copyOfFixture(dir);
        try (Llava llava = Llava.load(model, 1, WeightOptions.DEFAULT.withPrecision(
                vtc.loaders.checkpoint.WeightPrecision.Q8_0))) {
            int[] before = llava.generate(request(golden), null).generation().generatedIds();
            truncate(model.resolve("model.safetensors"), 0);
            assertArrayEquals(before, llava.generate(request(golden), null).generation().generatedIds());
        }
    }
}
