package vtc.loaders.safetensors;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vtc.engine.tensor.DType;
import vtc.engine.tensor.WeightMatrix;

/**
 * One memory-mapped safetensors file: an 8-byte little-endian header length, a JSON header, then
 * the raw little-endian tensor data. The whole file is mapped once (64-bit offsets, so files of
 * any size work) and tensors are handed out as read-only slices of that mapping; nothing but the
 * header and explicitly requested small vectors is copied to the heap. Every slice was checked
 * against the data section when the header was read, so no read can leave the mapping.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Headers larger than this are refused: real ones are well below a megabyte. */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    private static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final MemorySegment mapping;
    private final SafetensorsHeader header;
    private final Map<String, TensorInfo> byName;
    private final Arena ownArena;

    private SafetensorsFile(Path file, MemorySegment mapping, SafetensorsHeader header, Arena ownArena) {
        this.file = file;
        this.mapping = mapping;
        this.header = header;
        this.ownArena = ownArena;
        this.byName = new LinkedHashMap<>();
        for (TensorInfo t : header.tensors()) {
            byName.put(t.name(), t);
        }
    }

    /** Maps {@code file} with its own arena; {@link #close()} unmaps it. */
    public static SafetensorsFile open(Path file) {
        Arena arena = Arena.ofShared();
        try {
            return map(file, arena, arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Maps {@code file} into {@code arena}, which the caller owns: the mapping lives until the
     * arena is closed (a sharded checkpoint maps all its shards into one arena).
     */
    public static SafetensorsFile open(Path file, Arena arena) {
        return map(file, arena, null);
    }

    private static SafetensorsFile map(Path file, Arena arena, Arena ownArena) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new SafetensorsException(file, "file is " + size + " bytes, too short for a safetensors header");
            }
            MemorySegment mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena).asReadOnly();
            return new SafetensorsFile(file, mapping, readHeader(file, mapping), ownArena);
        } catch (NoSuchFileException e) {
            throw new SafetensorsException(file, "file not found", e);
        } catch (IOException e) {
            throw new SafetensorsException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    private static SafetensorsHeader readHeader(Path file, MemorySegment mapping) {
        long size = mapping.byteSize();
        long headerLength = mapping.get(U64_LE, 0);
        // Compared unsigned: a length with the top bit set is a huge u64, not a negative number.
        if (Long.compareUnsigned(headerLength, MAX_HEADER_BYTES) > 0) {
            throw new SafetensorsException(file, "header length " + Long.toUnsignedString(headerLength)
                    + " exceeds the " + MAX_HEADER_BYTES + "-byte limit (corrupt or not a safetensors file)");
        }
        if (headerLength > size - 8) {
            throw new SafetensorsException(file, "header length " + headerLength + " runs past the end of the "
                    + size + "-byte file (truncated?)");
        }
        byte[] json = mapping.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
        long dataStart = 8 + headerLength;
        return SafetensorsHeader.parse(file, json, dataStart, size - dataStart);
    }

    public Path file() {
        return file;
    }

    /** Every tensor of the header, in header order (including dtypes the engine cannot use). */
    public List<TensorInfo> tensors() {
        return header.tensors();
    }

    /** The {@code __metadata__} map (empty when absent). */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** The header entry of {@code name}. */
    public TensorInfo info(String name) {
        TensorInfo info = byName.get(name);
        if (info == null) {
            throw new SafetensorsException(file, "no tensor named " + name);
        }
        return info;
    }

    /** The raw bytes of {@code name}: a read-only slice of the mapping, whatever its dtype. */
    public MemorySegment segment(String name) {
        TensorInfo info = info(name);
        return mapping.asSlice(info.fileOffset(), info.byteSize());
    }

    /** Whether {@code name} is stored in a dtype the engine computes with (F32, F16, BF16). */
    public boolean hasWeightDtype(String name) {
        return StoredDType.engineType(info(name).dtype()) != null;
    }

    /** The engine dtype of {@code name}; refuses, naming the dtype, tensors the engine cannot compute with. */
    public DType dtype(String name) {
        TensorInfo info = info(name);
        DType dtype = StoredDType.engineType(info.dtype());
        if (dtype == null) {
            throw new SafetensorsException(file, "tensor " + name + " has dtype " + info.dtype()
                    + "; only F32, F16 and BF16 weights are supported");
        }
        return dtype;
    }

    /**
     * {@code name} viewed as a {@code [rows, cols]} matrix without copying; the element count must
     * match (a {@code [D, C, P, P]} kernel may be viewed as {@code [D, C·P·P]}).
     */
    public WeightMatrix matrix(String name, int rows, int cols) {
        DType dtype = dtype(name);
        TensorInfo info = info(name);
        if (rows <= 0 || cols <= 0 || (long) rows * cols != info.elementCount()) {
            throw new SafetensorsException(file, "tensor " + name + " " + info.shapeText()
                    + " cannot be viewed as [" + rows + ", " + cols + "]");
        }
        return new WeightMatrix(name, segment(name), dtype, rows, cols);
    }

    /** A copy of {@code name} widened to float32, for small vectors (norms, biases, embeddings of one token). */
    public float[] floats(String name) {
        DType dtype = dtype(name);
        TensorInfo info = info(name);
        long count = info.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new SafetensorsException(file, "tensor " + name + " " + info.shapeText() + " is too large to copy");
        }
        float[] out = new float[(int) count];
        if (count > 0) {
            new WeightMatrix(name, segment(name), dtype, 1, (int) count).readRow(0, out, 0);
        }
        return out;
    }

    /** Unmaps the file when it owns its arena; a file opened into a caller's arena is unmapped with that arena. */
    @Override
    public void close() {
        if (ownArena != null) {
            ownArena.close();
        }
    }
}
