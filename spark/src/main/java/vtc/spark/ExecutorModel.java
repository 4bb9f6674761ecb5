package vtc.spark;

import vtc.api.Llava;
import vtc.loaders.checkpoint.WeightOptions;

/**
 * The one model of an executor JVM. Spark runs an executor's tasks as threads of one JVM, so the
 * first task to need the model loads it and every later task (of this job or the next) shares
 * it: the weights are loaded once per node process, not once per task or partition, and so is
 * the prefix cache that lets the questions about one image share its ViT and image prompt. {@link Llava}
 * is thread-safe, so concurrent tasks call it directly. The model stays loaded until the JVM
 * ends; asking for a different folder or thread count replaces it.
 */
final class ExecutorModel {

    private static Llava loaded;
    private static String loadedKey;

    private ExecutorModel() {
    }

    /**
     * @param threads       kernel threads, or 0 for this JVM's processors
     * @param prefixCacheMb the prefix cache shared by the executor's tasks, in MiB (0: off)
     */
    static synchronized Llava get(String modelDir, int threads, int prefixCacheMb) {
        if (threads == 0) {
            threads = Runtime.getRuntime().availableProcessors();
        }
        String key = modelDir + "\n" + threads + "\n" + prefixCacheMb;
        if (!key.equals(loadedKey)) {
            if (loaded != null) {
                loaded.close();
                loaded = null;
            }
            loaded = Llava.load(java.nio.file.Path.of(modelDir), threads, WeightOptions.DEFAULT,
                    prefixCacheMb * (1L << 20));
            loadedKey = key;
        }
        return loaded;
    }
}
