package vtc.conformance;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import vtc.engine.kernels.Parallel;
import vtc.engine.llava.LlavaModel;
import vtc.engine.prune.VisionShape;
import vtc.engine.prune.KeptPatches;
import vtc.engine.prune.TokenSelector;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;
import vtc.loaders.checkpoint.LlavaCheckpoint;

/**
 * One golden fixture opened for the tests: its goldens, its checkpoint and the model on it.
 * {@link #of} opens each fixture once per test JVM and shares it between test classes: the model
 * is immutable and thread-safe, and the mapping is released when the JVM exits.
 */
final class FixtureModel implements AutoCloseable {

    static final String[] NAMES = {Fixtures.TINY_LLAVA, Fixtures.TINY_LLAVA_BF16};

    private static final Map<String, FixtureModel> SHARED = new ConcurrentHashMap<>();

    final String name;
    final Golden golden;
    final LlavaCheckpoint checkpoint;
    final Parallel parallel;
    final LlavaModel model;

    private FixtureModel(String name) {
        this.name = name;
        this.golden = Golden.of(name);
        this.checkpoint = LlavaCheckpoint.open(Fixtures.model(name));
        this.parallel = new Parallel(2);
        this.model = new LlavaModel(checkpoint.config(), checkpoint.weights(), parallel);
    }

    /** A fixture of its own, for a test that closes it. */
    static FixtureModel open(String name) {
        return new FixtureModel(name);
    }

    /** The shared, never closed instance of a fixture. */
    static FixtureModel of(String name) {
        return SHARED.computeIfAbsent(name, FixtureModel::new);
    }

    /** The model input of every model golden. */
    float[] pixels() {
        return golden.floats(golden.at("model_input_image.pixel_values_tensor").getAsString());
    }

    int[] promptIds() {
        return golden.ints("prompt.input_ids");
    }

    /** A selector that keeps the given patches whatever it sees: feeds golden indices to the engine. */
    static TokenSelector fixedPatches(int[] keep) {
        return (VisionShape shape) -> new TokenSelector.Selection() {
            @Override
            public KeptPatches keepPatches(float[] features, int width) {
                return KeptPatches.of(keep.clone());
            }
        };
    }

    @Override
    public void close() {
        parallel.close();
        checkpoint.close();
    }
}
