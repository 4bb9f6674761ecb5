package vtc.loaders.safetensors;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vtc.engine.tensor.DType;
import vtc.engine.tensor.OwnedMemory;
import vtc.engine.tensor.WeightMatrix;

/**
 * One safetensors file: an 8-byte little-endian header length, a JSON header, then the raw
 * little-endian tensor data. The whole file is either read into off-heap memory the process owns
 * ({@link WeightStorage#IN_MEMORY}, the default) or memory-mapped ({@link WeightStorage#MAPPED}),
 * with 64-bit offsets so files of any size work, and tensors are handed out as read-only slices of
 * those bytes; nothing but the header and explicitly requested small vectors goes to the heap.
 * Every slice was checked against the data section when the header was read, so no read can
 * leave the bytes.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Headers larger than this are refused: real ones are well below a megabyte. */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    /** Bytes read per call while copying a file into memory. */
    private static final int READ_CHUNK = 64 << 20;

    private final Path file;
    private final MemorySegment mapping;
    private final WeightStorage storage;
    private final FileTime modifiedAtLoad;
    private final SafetensorsHeader header;
    private final Map<String, TensorInfo> byName;
    private final Arena ownArena;

    private SafetensorsFile(Path file, MemorySegment mapping, WeightStorage storage, FileTime modifiedAtLoad,
                            SafetensorsHeader header, Arena ownArena) {
        this.file = file;
        this.mapping = mapping;
        this.storage = storage;
        this.modifiedAtLoad = modifiedAtLoad;
        this.header = header;
        this.ownArena = ownArena;
        this.byName = new LinkedHashMap<>();
        for (TensorInfo t : header.tensors()) {
            byName.put(t.name(), t);
        }
    }

    /** Reads {@code file} into memory of its own; {@link #close()} frees it. */
    public static SafetensorsFile open(Path file) {
        return open(file, WeightStorage.IN_MEMORY);
    }

    /** Opens {@code file} with its own arena; {@link #close()} frees or unmaps it. */
    public static SafetensorsFile open(Path file, WeightStorage storage) {
        Arena arena = Arena.ofShared();
        try {
            return load(file, storage, arena, arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Opens {@code file} into {@code arena}, which the caller owns: the bytes live until the arena
     * is closed (a sharded checkpoint loads all its shards into one arena).
     */
    public static SafetensorsFile open(Path file, WeightStorage storage, Arena arena) {
        return load(file, storage, arena, null);
    }

    private static SafetensorsFile load(Path file, WeightStorage storage, Arena arena, Arena ownArena) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = channel.size();
            if (size < 8) {
                throw new SafetensorsException(file, "file is " + size + " bytes, too short for a safetensors header");
            }
            SafetensorsHeader header = readHeader(file, channel, size);
            MemorySegment bytes = switch (storage) {
                case MAPPED -> channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                case IN_MEMORY -> readAll(file, channel, size, arena);
            };
            return new SafetensorsFile(file, bytes.asReadOnly(), storage, modified, header, ownArena);
        } catch (NoSuchFileException e) {
            throw new SafetensorsException(file, "file not found", e);
        } catch (IOException e) {
            throw new SafetensorsException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * The whole file copied into owned memory, {@value #READ_CHUNK} bytes per read. A file that
     * shrinks while it is read is refused (its header may describe bytes that are gone).
     */
    private static MemorySegment readAll(Path file, FileChannel channel, long size, Arena arena) throws IOException {
        MemorySegment bytes = OwnedMemory.allocate(arena, size);
        for (long at = 0; at < size; at += READ_CHUNK) {
            readFully(file, channel, bytes.asSlice(at, Math.min(READ_CHUNK, size - at)).asByteBuffer(), at, size);
        }
        return bytes;
    }

    /** The header, read with plain reads before any tensor byte is mapped or copied. */
    private static SafetensorsHeader readHeader(Path file, FileChannel channel, long size) throws IOException {
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, channel, length, 0, size);
        long headerLength = length.getLong(0);
        // Compared unsigned: a length with the top bit set is a huge u64, not a negative number.
        if (Long.compareUnsigned(headerLength, MAX_HEADER_BYTES) > 0) {
            throw new SafetensorsException(file, "header length " + Long.toUnsignedString(headerLength)
                    + " exceeds the " + MAX_HEADER_BYTES + "-byte limit (corrupt or not a safetensors file)");
        }
        if (headerLength > size - 8) {
            throw new SafetensorsException(file, "header length " + headerLength + " runs past the end of the "
                    + size + "-byte file (truncated?)");
        }
        ByteBuffer json = ByteBuffer.allocate((int) headerLength);
        readFully(file, channel, json, 8, size);
        long dataStart = 8 + headerLength;
        return SafetensorsHeader.parse(file, json.array(), dataStart, size - dataStart);
    }

    /** Fills {@code buffer} from {@code position}; a file shorter than at open is refused. */
    private static void readFully(Path file, FileChannel channel, ByteBuffer buffer, long position, long sizeAtOpen)
            throws IOException {
        long start = position - buffer.position();
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, start + buffer.position()) < 0) {
                throw new SafetensorsException(file, "file shrank to " + (start + buffer.position())
                        + " bytes while it was read (" + sizeAtOpen + " at open); was it being rewritten?");
            }
        }
    }

    public Path file() {
        return file;
    }

    public WeightStorage storage() {
        return storage;
    }

    /**
     * Refuses, naming the file, if a {@linkplain WeightStorage#MAPPED mapped} file's size or
     * modification time differ from when it was opened: reading its tensors now could crash the
     * JVM (a truncated mapping) or silently give other answers. Files read into memory are immune
     * and never refused.
     */
    public void checkUnchanged() {
        if (storage != WeightStorage.MAPPED) {
            return;
        }
        long size;
        FileTime modified;
        try {
            size = Files.size(file);
            modified = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new SafetensorsException(file, "memory-mapped weight file is gone or unreadable since the model"
                    + " loaded (" + e.getMessage() + "); reload the model", e);
        }
        if (size != mapping.byteSize() || !modified.equals(modifiedAtLoad)) {
            throw new SafetensorsException(file, "memory-mapped weight file changed since the model loaded (size "
                    + mapping.byteSize() + " -> " + size + " bytes, modified " + modifiedAtLoad + " -> " + modified
                    + "); refusing to read it, reload the model (or load weights into memory, the default)");
        }
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

    /** The raw bytes of {@code name}: a read-only slice of the file's bytes, whatever its dtype. */
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

    /** Frees the bytes when it owns its arena; a file opened into a caller's arena is freed with that arena. */
    @Override
    public void close() {
        if (ownArena != null) {
            ownArena.close();
        }
    }
}
