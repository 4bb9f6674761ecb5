package vtc.loaders.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vtc.loaders.safetensors.SafetensorsWriter;
import vtc.loaders.safetensors.TensorSpec;

/**
 * Writes a checkpoint the way transformers' {@code save_pretrained} does: tensors in order are
 * packed into shards of at most {@code maxShardBytes} (a tensor larger than the limit gets a shard
 * of its own), named {@code model-0000i-of-0000n.safetensors} and listed in
 * {@code model.safetensors.index.json}; a checkpoint that fits in one shard is a single
 * {@code model.safetensors} without an index. Data streams tensor by tensor, one shard open at a time.
 */
public final class ShardedCheckpointWriter implements AutoCloseable {

    private static final Map<String, String> SHARD_METADATA = Map.of("format", "pt");

    private final Path dir;
    private final List<List<TensorSpec>> shards;
    private final List<Path> files;
    private int shard = -1;
    private int writtenInShard;
    private SafetensorsWriter current;

    private ShardedCheckpointWriter(Path dir, List<List<TensorSpec>> shards) {
        this.dir = dir;
        this.shards = shards;
        this.files = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            files.add(dir.resolve(shardName(i, shards.size())));
        }
    }

    /** Plans the shards of {@code tensors} in {@code dir} (which must exist); nothing is written yet. */
    public static ShardedCheckpointWriter create(Path dir, List<TensorSpec> tensors, long maxShardBytes) {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
        }
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("a checkpoint needs at least one tensor");
        }
        return new ShardedCheckpointWriter(dir, plan(tensors, maxShardBytes));
    }

    /** Greedy packing in declaration order, as transformers splits a state dict. */
    static List<List<TensorSpec>> plan(List<TensorSpec> tensors, long maxShardBytes) {
        List<List<TensorSpec>> shards = new ArrayList<>();
        List<TensorSpec> shard = new ArrayList<>();
        long shardBytes = 0;
        for (TensorSpec t : tensors) {
            if (!shard.isEmpty() && shardBytes + t.byteSize() > maxShardBytes) {
                shards.add(List.copyOf(shard));
                shard.clear();
                shardBytes = 0;
            }
            shard.add(t);
            shardBytes += t.byteSize();
        }
        shards.add(List.copyOf(shard));
        return List.copyOf(shards);
    }

    private static String shardName(int i, int n) {
        return n == 1 ? ModelDirectory.SINGLE_FILE : String.format("model-%05d-of-%05d.safetensors", i + 1, n);
    }

    /** The weight files this writer produces, in order (the index is written next to them). */
    public List<Path> files() {
        return List.copyOf(files);
    }

    /** Writes the next tensor in declaration order. */
    public void write(String name, SafetensorsWriter.Values values) {
        writerFor(name).write(name, values);
        writtenInShard++;
    }

    /** Writes the next tensor in declaration order from an array (small tensors, tests). */
    public void write(String name, float[] values) {
        writerFor(name).write(name, values);
        writtenInShard++;
    }

    private SafetensorsWriter writerFor(String name) {
        if (current == null || writtenInShard == shards.get(shard).size()) {
            if (current != null) {
                current.close();
            }
            shard++;
            if (shard >= shards.size()) {
                throw new IllegalStateException(dir + ": every declared tensor is already written, not " + name);
            }
            current = SafetensorsWriter.create(files.get(shard), shards.get(shard), SHARD_METADATA);
            writtenInShard = 0;
        }
        return current;
    }

    /** Finishes the last shard and writes the index when there is more than one shard. */
    @Override
    public void close() {
        if (current != null) {
            current.close();
        }
        boolean complete = shard == shards.size() - 1 && writtenInShard == shards.get(shard).size();
        if (!complete) {
            throw new IllegalStateException(dir + ": closed before every declared tensor was written");
        }
        if (shards.size() > 1) {
            writeIndex();
        }
    }

    private void writeIndex() {
        Map<String, String> weightMap = new LinkedHashMap<>();
        long totalSize = 0;
        for (int i = 0; i < shards.size(); i++) {
            for (TensorSpec t : shards.get(i)) {
                weightMap.put(t.name(), files.get(i).getFileName().toString());
                totalSize += t.byteSize();
            }
        }
        try {
            ShardIndex.write(dir.resolve(ModelDirectory.INDEX_FILE), totalSize, weightMap);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the shard index in " + dir, e);
        }
    }
}
