package vtc.loaders.safetensors;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import vtc.engine.tensor.DType;

/**
 * Writes one safetensors file while streaming the data: the tensors are declared up front (the
 * header needs every offset), then their values are produced and encoded chunk by chunk in the
 * declared order, so a model far larger than the heap can be written. The header is padded with
 * spaces so the data section starts 8-byte aligned, as the reference writer does.
 */
public final class SafetensorsWriter implements AutoCloseable {

    /** Produces a tensor's values in row-major order, a chunk at a time. */
    @FunctionalInterface
    public interface Values {
        /** Fills {@code chunk[0 .. count)} with the elements {@code first .. first + count)}. */
        void fill(long first, float[] chunk, int count);
    }

    private static final int CHUNK_ELEMENTS = 1 << 16;

    private final Path file;
    private final List<TensorSpec> tensors;
    private final FileChannel channel;
    private int next;
    private boolean failed;

    private SafetensorsWriter(Path file, List<TensorSpec> tensors, FileChannel channel) {
        this.file = file;
        this.tensors = tensors;
        this.channel = channel;
    }

    /** Creates (or replaces) {@code file} and writes the header for {@code tensors}. */
    public static SafetensorsWriter create(Path file, List<TensorSpec> tensors, Map<String, String> metadata) {
        checkUniqueNames(tensors);
        byte[] header = header(tensors, metadata);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            SafetensorsWriter writer = new SafetensorsWriter(file, List.copyOf(tensors), channel);
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            writer.writeFully(length);
            writer.writeFully(ByteBuffer.wrap(header));
            return writer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
    }

    /** Writes the next declared tensor, which must be {@code name}, from an array (small tensors, tests). */
    public void write(String name, float[] values) {
        TensorSpec spec = expect(name);
        if (values.length != spec.elementCount()) {
            throw new IllegalArgumentException(spec + " needs " + spec.elementCount() + " values, got " + values.length);
        }
        write(spec, (first, chunk, count) -> System.arraycopy(values, (int) first, chunk, 0, count));
    }

    /** Writes the next declared tensor, which must be {@code name}, pulling its values from {@code values}. */
    public void write(String name, Values values) {
        write(expect(name), values);
    }

    private void write(TensorSpec spec, Values values) {
        long total = spec.elementCount();
        int chunkElements = (int) Math.min(CHUNK_ELEMENTS, Math.max(total, 1));
        float[] chunk = new float[chunkElements];
        ByteBuffer bytes = ByteBuffer.allocate(chunkElements * spec.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        try {
            for (long first = 0; first < total; first += chunkElements) {
                int count = (int) Math.min(chunkElements, total - first);
                values.fill(first, chunk, count);
                bytes.clear();
                encode(spec.dtype(), chunk, count, bytes);
                bytes.flip();
                writeFully(bytes);
            }
            next++;
        } catch (IOException e) {
            failed = true;
            throw new UncheckedIOException("cannot write " + spec.name() + " to " + file, e);
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    private TensorSpec expect(String name) {
        if (next >= tensors.size()) {
            throw new IllegalStateException(file + ": all " + tensors.size() + " tensors are already written, not " + name);
        }
        TensorSpec spec = tensors.get(next);
        if (!spec.name().equals(name)) {
            throw new IllegalStateException(file + ": tensors must be written in declared order; expected "
                    + spec.name() + ", got " + name);
        }
        return spec;
    }

    private static void encode(DType dtype, float[] values, int count, ByteBuffer out) {
        for (int i = 0; i < count; i++) {
            switch (dtype) {
                case F32 -> out.putFloat(values[i]);
                case F16 -> out.putShort(Float.floatToFloat16(values[i]));
                case BF16 -> out.putShort(toBfloat16(values[i]));
            }
        }
    }

    /** float32 to bfloat16 rounding to nearest, ties to even (NaN stays a quiet NaN). */
    static short toBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static byte[] header(List<TensorSpec> tensors, Map<String, String> metadata) {
        StringWriter text = new StringWriter();
        try (JsonWriter json = new JsonWriter(text)) {
            json.beginObject();
            if (!metadata.isEmpty()) {
                json.name(SafetensorsHeader.METADATA_KEY).beginObject();
                for (var e : metadata.entrySet()) {
                    json.name(e.getKey()).value(e.getValue());
                }
                json.endObject();
            }
            long offset = 0;
            for (TensorSpec t : tensors) {
                json.name(t.name()).beginObject();
                json.name("dtype").value(t.dtype().name());
                json.name("shape").beginArray();
                for (long d : t.shape()) {
                    json.value(d);
                }
                json.endArray();
                long end = offset + t.byteSize();
                json.name("data_offsets").beginArray().value(offset).value(end).endArray();
                json.endObject();
                offset = end;
            }
            json.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder padded = new StringBuilder(text.toString());
        byte[] utf8 = padded.toString().getBytes(StandardCharsets.UTF_8);
        int padding = (8 - utf8.length % 8) % 8;
        padded.repeat(' ', padding);
        return padded.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void checkUniqueNames(List<TensorSpec> tensors) {
        Set<String> seen = new HashSet<>();
        for (TensorSpec t : tensors) {
            if (t.name().equals(SafetensorsHeader.METADATA_KEY) || !seen.add(t.name())) {
                throw new IllegalArgumentException("tensor name " + t.name() + " is repeated or reserved");
            }
        }
    }

    /**
     * Finishes the file. A file whose tensors were not all written is deleted rather than left
     * behind with a header promising data it does not hold.
     */
    @Override
    public void close() {
        boolean complete = !failed && next == tensors.size();
        try {
            channel.close();
            if (!complete) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish " + file, e);
        }
        if (!complete && !failed) {
            throw new IllegalStateException(file + ": closed after " + next + " of " + tensors.size()
                    + " tensors; the incomplete file was deleted");
        }
    }
}
