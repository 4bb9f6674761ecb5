package vtc.pruning;

import vtc.engine.kernels.Parallel;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.llava.LlavaModel;
import vtc.fixtures.Fixtures;
import vtc.fixtures.Golden;
import vtc.loaders.checkpoint.LlavaCheckpoint;

/** A golden fixture's model, loaded through the real checkpoint loader, with its reference inputs. */
public record LoadedFixture(Golden golden, LlavaCheckpoint checkpoint, Parallel parallel, LlavaModel model)
        implements AutoCloseable {

    /** The golden runs generate 8 tokens and never stop at end-of-sequence. */
    public static final GenerationOptions GOLDEN_GREEDY = new GenerationOptions(8, 0, 1, 0, false);

    public static LoadedFixture open(String name) {
        Golden golden = Golden.of(name);
        LlavaCheckpoint checkpoint = LlavaCheckpoint.open(Fixtures.model(name));
        Parallel parallel = new Parallel(1);
        return new LoadedFixture(golden, checkpoint, parallel,
                new LlavaModel(checkpoint.config(), checkpoint.weights(), parallel));
    }

    /** The input of every model golden: image1 in pad mode. */
    public float[] pixels() {
        return golden.floats("image1.pad.pixel_values");
    }

    public int[] promptIds() {
        return golden.ints("prompt.input_ids");
    }

    @Override
    public void close() {
        parallel.close();
        checkpoint.close();
    }
}
