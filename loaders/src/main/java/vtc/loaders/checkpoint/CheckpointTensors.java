package vtc.loaders.checkpoint;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import vtc.engine.tensor.WeightMatrix;
import vtc.loaders.safetensors.SafetensorsFile;
import vtc.loaders.safetensors.TensorInfo;
import vtc.loaders.safetensors.WeightStorage;

/**
 * All tensors of a model directory, whether in one {@code model.safetensors} or in shards listed
 * by {@code model.safetensors.index.json}. Every file is loaded into one shared arena (read into
 * owned memory or mapped, as {@link WeightStorage} says), so the whole checkpoint is freed at once
 * by {@link #close()}.
 */
final class CheckpointTensors implements AutoCloseable {

    private final Arena arena;
    private final List<TensorInfo> inventory;
    private final Map<String, SafetensorsFile> fileOf;
    private final List<SafetensorsFile> files;

    private CheckpointTensors(Arena arena, List<TensorInfo> inventory, Map<String, SafetensorsFile> fileOf) {
        this.arena = arena;
        this.inventory = List.copyOf(inventory);
        this.fileOf = Map.copyOf(fileOf);
        this.files = List.copyOf(new LinkedHashSet<>(fileOf.values()));
    }

    static CheckpointTensors open(ModelDirectory dir, WeightStorage storage) {
        Arena arena = Arena.ofShared();
        try {
            Path single = dir.singleFile();
            if (single != null) {
                return single(arena, SafetensorsFile.open(single, storage, arena));
            }
            Path index = dir.indexFile();
            if (index != null) {
                return sharded(arena, dir, ShardIndex.read(index), storage);
            }
            throw dir.noSafetensors();
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static CheckpointTensors single(Arena arena, SafetensorsFile file) {
        Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
        for (TensorInfo t : file.tensors()) {
            fileOf.put(t.name(), file);
        }
        return new CheckpointTensors(arena, file.tensors(), fileOf);
    }

    /** Maps every shard the index names and checks that each tensor is where the index says. */
    private static CheckpointTensors sharded(Arena arena, ModelDirectory dir, ShardIndex index,
                                             WeightStorage storage) {
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        for (String shardName : new TreeSet<>(index.weightMap().values())) {
            shards.put(shardName, SafetensorsFile.open(dir.weightFile(shardName, index.file()), storage, arena));
        }
        Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
        List<TensorInfo> inventory = new ArrayList<>();
        for (SafetensorsFile shard : shards.values()) {
            for (TensorInfo t : shard.tensors()) {
                SafetensorsFile other = fileOf.putIfAbsent(t.name(), shard);
                if (other != null) {
                    throw new CheckpointException(index.file(), "tensor " + t.name() + " is stored twice, in "
                            + other.file().getFileName() + " and " + shard.file().getFileName());
                }
                inventory.add(t);
            }
        }
        for (var e : index.weightMap().entrySet()) {
            SafetensorsFile shard = shards.get(e.getValue());
            if (!shard.contains(e.getKey())) {
                throw new CheckpointException(index.file(), "weight_map puts tensor " + e.getKey() + " in "
                        + e.getValue() + ", which does not contain it");
            }
        }
        return new CheckpointTensors(arena, inventory, fileOf);
    }

    /** Every tensor of every file, including ones the engine does not use. */
    List<TensorInfo> inventory() {
        return inventory;
    }

    Set<String> names() {
        return fileOf.keySet();
    }

    boolean contains(String name) {
        return fileOf.containsKey(name);
    }

    TensorInfo info(String name) {
        return file(name).info(name);
    }

    boolean hasWeightDtype(String name) {
        return file(name).hasWeightDtype(name);
    }

    WeightMatrix matrix(String name, int rows, int cols) {
        return file(name).matrix(name, rows, cols);
    }

    float[] floats(String name) {
        return file(name).floats(name);
    }

    /** Refuses, naming the file, if a mapped weight file changed since it was loaded ({@link SafetensorsFile#checkUnchanged}). */
    void checkUnchanged() {
        for (SafetensorsFile file : files) {
            file.checkUnchanged();
        }
    }

    private SafetensorsFile file(String name) {
        SafetensorsFile file = fileOf.get(name);
        if (file == null) {
            throw new IllegalArgumentException("no tensor named " + name);
        }
        return file;
    }

    /** Whether the tensors are read into owned memory or mapped. */
    WeightStorage storage() {
        return files.isEmpty() ? WeightStorage.IN_MEMORY : files.get(0).storage();
    }

    /** Unmaps every file of the checkpoint; views handed out before are invalid afterwards. */
    @Override
    public void close() {
        arena.close();
    }
}
