package vtc.jmh.stages;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import vtc.api.Llava;
import vtc.engine.llava.LlavaModel;
import vtc.loaders.checkpoint.WeightOptions;
import vtc.loaders.checkpoint.WeightPrecision;
import vtc.loaders.image.PixelValues;

/**
 * A random-weight checkpoint written by {@code vtc make-model}, loaded for timing. Benchmarks
 * name the model by its directory under {@code -Dvtc.models} (default {@code target/models},
 * where {@code scripts/bench.sh} writes them), so the same benchmark runs at every preset.
 */
public final class BenchModel implements AutoCloseable {

    /** The question of the llava-hf prompt: one line, as in the time-to-first-token target. */
    public static final String QUESTION = "What is shown in this image?";

    private final Llava llava;

    private BenchModel(Llava llava) {
        this.llava = llava;
    }

    /** Loads {@code name} (a directory under {@code vtc.models}, or a path) with {@code threads} kernel threads. */
    public static BenchModel open(String name, int threads) {
        return open(name, threads, WeightPrecision.AS_STORED);
    }

    /** {@link #open(String, int)} computing with the weights as stored or quantized to Q8_0 at load. */
    public static BenchModel open(String name, int threads, WeightPrecision precision) {
        return open(name, threads, precision, 0);
    }

    /** {@link #open(String, int, WeightPrecision)} with a prefix cache of {@code prefixCacheBytes} (0: none). */
    public static BenchModel open(String name, int threads, WeightPrecision precision, long prefixCacheBytes) {
        Path dir = Path.of(System.getProperty("vtc.models", "target/models")).resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no model directory " + dir.toAbsolutePath()
                    + "; create it with: ./vtc make-model --preset ... --dtype ... --out " + dir
                    + " (scripts/bench.sh does this)");
        }
        return new BenchModel(Llava.load(dir, threads, WeightOptions.DEFAULT.withPrecision(precision), prefixCacheBytes));
    }

    public LlavaModel model() {
        return llava.model();
    }

    /** BOS, "USER: ", the image token, the one-line question and " ASSISTANT:". */
    public int[] promptIds() {
        return promptIds(QUESTION);
    }

    /** The llava-hf prompt ids of {@code question}. */
    public int[] promptIds(String question) {
        return llava.promptIds(Llava.Request.of(pixelValues(1), question));
    }

    /**
     * Pixels drawn uniformly from the normalized range: the vision tower's cost does not depend
     * on the image, and a fixed seed keeps the pruned selection the same from run to run.
     */
    public float[] randomPixels(long seed) {
        return pixelValues(seed).chw();
    }

    private PixelValues pixelValues(long seed) {
        int size = model().config().vision().imageSize();
        float[] chw = new float[model().config().vision().numChannels() * size * size];
        Random random = new Random(seed);
        for (int i = 0; i < chw.length; i++) {
            chw[i] = random.nextFloat() * 3.8f - 1.8f;
        }
        return new PixelValues(size, chw);
    }

    /**
     * {@code rows} decoder input rows: embeddings of arbitrary vocabulary ids. Prefill cost depends
     * on the row count only, so this stands for any mix of text and image rows.
     */
    public float[] decoderRows(int rows, long seed) {
        int d = model().config().text().hiddenSize();
        int vocab = model().config().text().vocabSize();
        float[] x = new float[rows * d];
        Random random = new Random(seed);
        for (int i = 0; i < rows; i++) {
            model().decoder().embed(random.nextInt(vocab), x, i * d);
        }
        return x;
    }

    @Override
    public void close() {
        llava.close();
    }
}
