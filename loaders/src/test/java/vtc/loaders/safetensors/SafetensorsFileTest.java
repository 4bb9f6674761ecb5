package vtc.loaders.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtc.engine.tensor.DType;
import vtc.engine.tensor.WeightMatrix;
import vtc.fixtures.Fixtures;

class SafetensorsFileTest {

    private static final Path TINY = Fixtures.model(Fixtures.TINY_LLAVA).resolve("model.safetensors");

    @TempDir
    Path tmp;

    @Test
    void listsTheFixtureTensorsWithTheirReadmeShapes() {
        try (SafetensorsFile file = SafetensorsFile.open(TINY)) {
            // README: 103 vision + 4 projector + 30 decoder tensors, all F32.
            assertEquals(137, file.tensors().size());
            assertTrue(file.tensors().stream().allMatch(t -> t.dtype().equals("F32")));
            assertEquals("pt", file.metadata().get("format"));
            TensorInfo patch = file.info("vision_tower.vision_model.embeddings.patch_embedding.weight");
            assertArrayEquals(new long[] {64, 3, 14, 14}, patch.shape());
            assertEquals(64L * 3 * 14 * 14 * 4, patch.byteSize());
            assertArrayEquals(new long[] {32, 96},
                    file.info("language_model.model.layers.2.self_attn.k_proj.weight").shape());
            assertArrayEquals(new long[] {514, 96}, file.info("language_model.lm_head.weight").shape());
        }
    }

    @Test
    void tensorsAreReadOnlyViewsOfTheLoadedBytes() {
        try (SafetensorsFile mapped = SafetensorsFile.open(TINY, WeightStorage.MAPPED)) {
            assertTrue(mapped.segment("language_model.model.norm.weight").isMapped());
        }
        try (SafetensorsFile file = SafetensorsFile.open(TINY)) {
            assertEquals(WeightStorage.IN_MEMORY, file.storage());
            MemorySegment seg = file.segment("language_model.model.norm.weight");
            assertTrue(seg.isReadOnly());
            assertTrue(!seg.isMapped(), "by default the file is copied into owned memory, not mapped");
            assertEquals(96 * 4, seg.byteSize());
            WeightMatrix patch = file.matrix("vision_tower.vision_model.embeddings.patch_embedding.weight", 64, 588);
            assertEquals(DType.F32, patch.dtype());
            // The kernel [64,3,14,14] flattened: element (d, c, y, x) sits at column c*196 + y*14 + x.
            float[] flat = file.floats("vision_tower.vision_model.embeddings.patch_embedding.weight");
            assertEquals(flat[5 * 588 + 2 * 196 + 3 * 14 + 7], patch.get(5, 2 * 196 + 3 * 14 + 7));
        }
    }

    @Test
    void readsF32F16AndBf16ElementsExactly() throws IOException {
        // 1.5 and -2.0 are exact in every format: F16 0x3E00/0xC000, BF16 0x3FC0/0xC000.
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[8,12]},"
                + "\"c\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[12,16]}}";
        byte[] data = new byte[16];
        System.arraycopy(RawSafetensors.f32(1.5f, -2f), 0, data, 0, 8);
        byte[] rest = {0x00, 0x3E, 0x00, (byte) 0xC0, (byte) 0xC0, 0x3F, 0x00, (byte) 0xC0};
        System.arraycopy(rest, 0, data, 8, 8);
        try (SafetensorsFile file = SafetensorsFile.open(RawSafetensors.write(tmp.resolve("x.safetensors"), header, data))) {
            for (String name : new String[] {"a", "b", "c"}) {
                assertArrayEquals(new float[] {1.5f, -2f}, file.floats(name), name);
            }
        }
    }

    /** A sparse file of just over 2 GiB: offsets past Integer.MAX_VALUE must address the right bytes. */
    @Test
    void tensorsBeyondTwoGigabytesAreReachable() throws IOException {
        long far = (1L << 31) + 8;
        // The filler covers the bytes in between: safetensors files may have no gaps (the file stays sparse).
        String header = "{\"near\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"filler\":{\"dtype\":\"U8\",\"shape\":[" + (far - 4) + "],\"data_offsets\":[4," + far + "]},"
                + "\"far\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[" + far + "," + (far + 8) + "]}}";
        Path file = RawSafetensors.write(tmp.resolve("big.safetensors"), header, RawSafetensors.f32(1f));
        long dataStart = 8 + header.length();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(RawSafetensors.f32(3.25f, -7.5f)), dataStart + far);
        }
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertEquals(dataStart + far, st.info("far").fileOffset());
            assertArrayEquals(new float[] {3.25f, -7.5f}, st.floats("far"));
            assertEquals(-7.5f, st.matrix("far", 1, 2).get(0, 1));
            assertArrayEquals(new float[] {1f}, st.floats("near"));
        }
    }

    @Test
    void emptyFileIsRefused() throws IOException {
        Path file = Files.write(tmp.resolve("empty.safetensors"), new byte[0]);
        assertRefused(file, null, "too short");
    }

    @Test
    void truncatedFileIsRefused() throws IOException {
        byte[] bytes = Files.readAllBytes(TINY);
        Path file = Files.write(tmp.resolve("truncated.safetensors"), Arrays.copyOf(bytes, bytes.length - 100));
        // The last 256 bytes of the data section hold pre_layrnorm.weight [64] F32; it now ends past the file.
        assertRefused(file, "vision_tower.vision_model.pre_layrnorm.weight", "outside the data section");
    }

    @Test
    void headerLengthBeyondTheFileIsRefused() throws IOException {
        Path file = RawSafetensors.writeWithLength(tmp.resolve("long.safetensors"), 4096,
                "{}".getBytes(StandardCharsets.UTF_8), new byte[0]);
        assertRefused(file, null, "runs past the end");
    }

    @Test
    void absurdHeaderLengthIsRefused() throws IOException {
        Path file = RawSafetensors.writeWithLength(tmp.resolve("huge.safetensors"), -1L,
                "{}".getBytes(StandardCharsets.UTF_8), new byte[0]);
        assertRefused(file, null, "18446744073709551615 exceeds");
    }

    @Test
    void invalidJsonIsRefused() throws IOException {
        Path file = RawSafetensors.write(tmp.resolve("bad.safetensors"), "{\"a\": {\"dtype\": \"F32\",", new byte[0]);
        assertRefused(file, null, "not valid JSON");
    }

    @Test
    void nonObjectJsonIsRefused() throws IOException {
        Path file = RawSafetensors.write(tmp.resolve("array.safetensors"), "[1, 2, 3]", new byte[0]);
        assertRefused(file, null, "must be a JSON object, got an array");
    }

    @Test
    void wrongFieldTypesAreRefused() throws IOException {
        Path shape = RawSafetensors.write(tmp.resolve("shape.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":\"4\",\"data_offsets\":[0,16]}}", new byte[16]);
        assertRefused(shape, "w", "shape must be an array of integers, got a string");
        Path negative = RawSafetensors.write(tmp.resolve("negative.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}", new byte[16]);
        assertRefused(negative, "w", "non-negative integers, got -4");
        Path missing = RawSafetensors.write(tmp.resolve("missing.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4]}}", new byte[16]);
        assertRefused(missing, "w", "no data_offsets");
    }

    @Test
    void offsetsOutsideTheDataAreRefused() throws IOException {
        Path file = RawSafetensors.write(tmp.resolve("outside.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", new byte[16]);
        assertRefused(file, "w", "outside the data section of 16 bytes");
    }

    @Test
    void overlappingRangesAreRefused() throws IOException {
        Path file = RawSafetensors.write(tmp.resolve("overlap.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[12,28]}}", new byte[28]);
        assertRefused(file, "a and b", "overlap");
    }

    @Test
    void sizeThatDisagreesWithShapeTimesDtypeIsRefused() throws IOException {
        Path file = RawSafetensors.write(tmp.resolve("size.safetensors"),
                "{\"w\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[0,16]}}", new byte[16]);
        assertRefused(file, "w", "needs 12 bytes but data_offsets span 16");
    }

    @Test
    void shapeWhoseByteSizeOverflowsIsRefused() throws IOException {
        Path file = RawSafetensors.write(tmp.resolve("overflow.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,16]}}", new byte[16]);
        assertRefused(file, "w", "too large");
    }

    @Test
    void repeatedTensorNameIsRefused() throws IOException {
        Path file = RawSafetensors.write(tmp.resolve("dup.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]);
        assertRefused(file, "w", "appears twice");
    }

    @Test
    void unsupportedDtypeIsListedButRefusedWhenRequested() throws IOException {
        Path file = RawSafetensors.write(tmp.resolve("int8.safetensors"),
                "{\"__metadata__\":{\"format\":\"pt\"},\"q\":{\"dtype\":\"I8\",\"shape\":[2,2],\"data_offsets\":[0,4]},"
                        + "\"e\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[4,8]}}", new byte[8]);
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertEquals(2, st.tensors().size());
            assertEquals(4, st.segment("q").byteSize());
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> st.matrix("q", 2, 2));
            assertMessage(e, file, "q", "dtype I8");
            e = assertThrows(SafetensorsException.class, () -> st.floats("e"));
            assertMessage(e, file, "e", "dtype F8_E4M3");
        }
    }

    @Test
    void viewWithTheWrongElementCountIsRefused() {
        try (SafetensorsFile file = SafetensorsFile.open(TINY)) {
            SafetensorsException e = assertThrows(SafetensorsException.class,
                    () -> file.matrix("language_model.model.norm.weight", 2, 96));
            assertMessage(e, TINY, "language_model.model.norm.weight", "cannot be viewed as [2, 96]");
        }
    }

    @Test
    void paddedHeaderAndEmptyTensorsAreAccepted() throws IOException {
        JsonObject header = new JsonObject();
        JsonObject entry = new JsonObject();
        entry.addProperty("dtype", "F32");
        entry.add("shape", new JsonArray());
        JsonArray offsets = new JsonArray();
        offsets.add(0);
        offsets.add(4);
        entry.add("data_offsets", offsets);
        header.add("scalar", entry);
        Path file = RawSafetensors.write(tmp.resolve("scalar.safetensors"), header + "      ", RawSafetensors.f32(7f));
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertArrayEquals(new float[] {7f}, st.floats("scalar"));
        }
    }

    @Test
    void segmentsAreUnreadableAfterClose() {
        SafetensorsFile file = SafetensorsFile.open(TINY);
        MemorySegment seg = file.segment("language_model.model.norm.weight");
        file.close();
        assertThrows(IllegalStateException.class, () -> seg.get(ValueLayout.JAVA_BYTE, 0));
    }

    private static void assertRefused(Path file, String culprit, String problem) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file).close());
        assertMessage(e, file, culprit, problem);
    }

    static void assertMessage(RuntimeException e, Path file, String culprit, String problem) {
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()), "message should name " + file + ": " + m);
        if (culprit != null) {
            assertTrue(m.contains(culprit), "message should name " + culprit + ": " + m);
        }
        assertTrue(m.contains(problem), "message should say '" + problem + "': " + m);
    }
}
