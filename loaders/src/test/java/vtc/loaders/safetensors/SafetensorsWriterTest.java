package vtc.loaders.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtc.engine.tensor.DType;

class SafetensorsWriterTest {

    @TempDir
    Path tmp;

    @Test
    void streamedTensorsReadBackWithTheirShapesAndValues() throws IOException {
        // 70 000 elements spans more than one 65 536-element chunk of the writer.
        long n = 70_000;
        List<TensorSpec> specs = List.of(
                new TensorSpec("big", DType.F32, new long[] {7, 10_000}),
                new TensorSpec("half", DType.F16, new long[] {3}),
                new TensorSpec("brain", DType.BF16, new long[] {2, 2}));
        Path file = tmp.resolve("w.safetensors");
        try (SafetensorsWriter w = SafetensorsWriter.create(file, specs, Map.of("format", "pt"))) {
            w.write("big", (first, chunk, count) -> {
                for (int i = 0; i < count; i++) {
                    chunk[i] = first + i; // every integer below 2^24 is exact in float32
                }
            });
            w.write("half", new float[] {0.5f, -3f, 65504f});
            w.write("brain", new float[] {1f, -0.25f, 3f, 1024f});
        }
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "data section starts 8-byte aligned");
        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            assertEquals(Map.of("format", "pt"), read.metadata());
            assertArrayEquals(new long[] {7, 10_000}, read.info("big").shape());
            float[] big = read.floats("big");
            assertEquals(n, big.length);
            for (int i = 0; i < n; i++) {
                assertEquals(i, big[i]);
            }
            assertEquals("F16", read.info("half").dtype());
            assertArrayEquals(new float[] {0.5f, -3f, 65504f}, read.floats("half"));
            assertEquals(DType.BF16, read.dtype("brain"));
            assertArrayEquals(new float[] {1f, -0.25f, 3f, 1024f}, read.floats("brain"));
        }
    }

    @Test
    void bfloat16RoundsToNearestEven() throws IOException {
        // 1 + 2^-8 lies halfway between bf16 1.0 (0x3F80, even) and 1 + 2^-7 (0x3F81): ties go to 0x3F80.
        // 1 + 3·2^-8 lies halfway between 0x3F81 (odd) and 1 + 2^-6 (0x3F82): ties go to 0x3F82.
        // 1 + 2^-8 + 2^-20 is just above the first midpoint: rounds up to 0x3F81.
        float[] values = {1f + 0x1p-8f, 1f + 3 * 0x1p-8f, 1f + 0x1p-8f + 0x1p-20f};
        Path file = tmp.resolve("bf16.safetensors");
        try (SafetensorsWriter w = SafetensorsWriter.create(file,
                List.of(new TensorSpec("x", DType.BF16, new long[] {3})), Map.of())) {
            w.write("x", values);
        }
        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            var seg = read.segment("x");
            short[] bits = new short[3];
            for (int i = 0; i < 3; i++) {
                bits[i] = seg.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2L * i);
            }
            assertArrayEquals(new short[] {0x3F80, 0x3F82, 0x3F81}, bits);
        }
    }

    @Test
    void tensorsMustBeWrittenInDeclaredOrder() {
        Path file = tmp.resolve("order.safetensors");
        List<TensorSpec> specs = List.of(new TensorSpec("a", DType.F32, new long[] {1}),
                new TensorSpec("b", DType.F32, new long[] {1}));
        SafetensorsWriter w = SafetensorsWriter.create(file, specs, Map.of());
        assertThrows(IllegalStateException.class, () -> w.write("b", new float[] {1}));
        assertThrows(IllegalStateException.class, w::close);
        assertFalse(Files.exists(file), "an incomplete file is deleted");
    }

    @Test
    void closingBeforeEveryTensorIsWrittenDeletesTheFile() {
        Path file = tmp.resolve("short.safetensors");
        SafetensorsWriter w = SafetensorsWriter.create(file, List.of(new TensorSpec("a", DType.F32, new long[] {1})), Map.of());
        assertThrows(IllegalStateException.class, w::close);
        assertFalse(Files.exists(file));
    }
}
