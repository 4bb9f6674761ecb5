package vtc.spark;

import vtc.loaders.Llava;

/**
 * The one model of an executor JVM. Spark runs an executor's tasks as threads of one JVM, so the
 * first task to need the model loads it and every later task (of this job or the next) shares
 * it: the weights are mapped once per node process, not once per task or partition. {@link Llava}
 * is thread-safe, so concurrent tasks call it directly. The model stays loaded until the JVM
 * ends; asking for a different folder or thread count replaces it.
 */
final class ExecutorModel {

    private static Llava loaded;
    private static String loadedKey;

    private ExecutorModel() {
    }

    /** @param threads kernel threads, or 0 for this JVM's processors */
    static synchronized Llava get(String modelDir, int threads) {
        if (threads == 0) {
            threads = Runtime.getRuntime().availableProcessors();
        }
        String key = modelDir + "\n" + threads;
        if (!key.equals(loadedKey)) {
            if (loaded != null) {
                loaded.close();
                loaded = null;
            }
            loaded = Llava.load(java.nio.file.Path.of(modelDir), threads);
            loadedKey = key;
        }
        return loaded;
    }
}
