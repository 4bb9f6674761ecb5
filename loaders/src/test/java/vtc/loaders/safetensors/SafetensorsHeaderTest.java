package vtc.loaders.safetensors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headers the safetensors library refuses, and headers whose parsing used to cost gigabytes before
 * any refusal. The reference's verdicts were taken from safetensors 0.8.0's {@code deserialize} on
 * the same bytes: gaps ("invalid offset for tensor"), trailing bytes ("file not fully covered").
 */
class SafetensorsHeaderTest {

    private static final String A = "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";

    @TempDir
    Path tmp;

    @Test
    void gapBetweenTensorsIsRefusedAsTheReferenceDoes() throws IOException {
        assertRefused("{" + A + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12,
                "bytes [4, 8) before tensor b belong to no tensor");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8,
                "bytes [0, 4) before tensor a belong to no tensor");
    }

    @Test
    void trailingBytesAreRefusedAsTheReferenceDoes() throws IOException {
        assertRefused("{" + A + "}", 8, "the last 4 bytes of the data section belong to no tensor");
    }

    /** Zero-size tensors may sit anywhere a tensor may start, as in the reference. */
    @Test
    void zeroSizeTensorsAndHeaderPaddingAreAccepted() throws IOException {
        Path file = RawSafetensors.write(tmp.resolve("ok.safetensors"),
                "{\"z\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}," + A
                        + ",\"y\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]}}    ", new byte[4]);
        SafetensorsFile.open(file).close();
    }

    /** A 19-digit offset is a number, just not one any file reaches: say so. */
    @Test
    void nineteenDigitOffsetIsCalledTooLarge() throws IOException {
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,1234567890123456789]}}", 4,
                "data_offsets value 1234567890123456789 is too large: no file has so many bytes");
    }

    @Test
    void headerErrorsGiveNoParserAdvice() throws IOException {
        SafetensorsException e = assertRefused("{/* c */" + A + "}", 4, "not valid JSON");
        assertFalse(e.getMessage().contains("setStrictness") || e.getMessage().contains("https://"), e.getMessage());
    }

    /** An 80 MB __metadata__ value used to cost 1.26 GB of allocations; now its first 8 MiB and a refusal. */
    @Test
    void hugeMetadataIsRefusedWithBoundedWork() throws IOException {
        Path file = tmp.resolve("metadata.safetensors");
        String head = "{\"__metadata__\":{\"format\":\"";
        String tail = "\"}," + A + "}";
        long valueBytes = 80L << 20;
        writeStreamed(file, head, valueBytes, 'x', tail, 4);
        long allocated = allocatedBy(() -> {
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file).close());
            assertTrue(e.getMessage().contains("__metadata__ is longer than 8 MiB"), e.getMessage());
        });
        // The header bytes themselves (80 MiB, held by the reader of the file) plus a few copies of 8 MiB.
        assertTrue(allocated < 250L << 20, "allocated " + (allocated >> 20) + " MiB");
    }

    /** A million empty tensors used to cost 1.7 GB and 13 s before loading went on. */
    @Test
    void millionZeroSizeTensorsAreRefusedWithBoundedWork() throws IOException {
        Path file = tmp.resolve("many.safetensors");
        StringBuilder header = new StringBuilder("{");
        for (int i = 0; i < 1_000_000; i++) {
            header.append("\"t").append(i).append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},");
        }
        header.append(A).append('}');
        RawSafetensors.write(file, header.toString(), new byte[4]);
        header = null;
        long allocated = allocatedBy(() -> {
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file).close());
            assertTrue(e.getMessage().contains("more than 65536 tensors"), e.getMessage());
        });
        assertTrue(allocated < 400L << 20, "allocated " + (allocated >> 20) + " MiB");
    }

    private SafetensorsException assertRefused(String header, int dataBytes, String problem) throws IOException {
        Path file = RawSafetensors.write(tmp.resolve("t.safetensors"), header, new byte[dataBytes]);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file).close());
        assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains(problem), e.getMessage());
        return e;
    }

    /** Bytes allocated by this thread while {@code work} runs (HotSpot counts them exactly). */
    private static long allocatedBy(Runnable work) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        work.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    private static void writeStreamed(Path file, String head, long repeat, char c, String tail, int dataBytes)
            throws IOException {
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] t = tail.getBytes(StandardCharsets.UTF_8);
        long length = h.length + repeat + t.length;
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array());
            out.write(h);
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) c);
            for (long left = repeat; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
            out.write(t);
            out.write(new byte[dataBytes]);
        }
    }
}
