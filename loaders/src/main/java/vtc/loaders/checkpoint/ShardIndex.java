package vtc.loaders.checkpoint;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import vtc.loaders.json.JsonFields;
import vtc.loaders.json.JsonFile;

/**
 * {@code model.safetensors.index.json}: which shard holds each tensor,
 * {@code {"metadata": {"total_size": bytes}, "weight_map": {tensor: shard file}}}.
 *
 * @param file      the index file
 * @param weightMap tensor name to shard file name, as written (not yet resolved or trusted)
 */
record ShardIndex(Path file, Map<String, String> weightMap) {

    static ShardIndex read(Path file) {
        JsonFields root = JsonFile.readObject(file, CheckpointException::new);
        JsonFields map = root.object("weight_map");
        if (map == null) {
            throw root.error("weight_map", "is missing; it must be an object of tensor name to shard file");
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : map.entries().entrySet()) {
            weightMap.put(e.getKey(), map.stringAt(map.qualified(e.getKey()), e.getValue()));
        }
        if (weightMap.isEmpty()) {
            throw root.error("weight_map", "is empty");
        }
        return new ShardIndex(file, Map.copyOf(weightMap));
    }

    /** Writes an index for {@code weightMap} (sorted by tensor name, as transformers does). */
    static void write(Path file, long totalSize, Map<String, String> weightMap) throws IOException {
        JsonObject metadata = new JsonObject();
        metadata.addProperty("total_size", totalSize);
        JsonObject map = new JsonObject();
        weightMap.keySet().stream().sorted().forEach(name -> map.addProperty(name, weightMap.get(name)));
        JsonObject root = new JsonObject();
        root.add("metadata", metadata);
        root.add("weight_map", map);
        String text = new GsonBuilder().setPrettyPrinting().create().toJson(root);
        Files.writeString(file, text + "\n");
    }
}
