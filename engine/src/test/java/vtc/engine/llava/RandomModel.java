package vtc.engine.llava;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import vtc.engine.tensor.DType;
import vtc.engine.tensor.WeightMatrix;
import vtc.engine.text.LlamaConfig;
import vtc.engine.text.LlamaLayerWeights;
import vtc.engine.text.LlamaWeights;
import vtc.engine.vision.ClipLayerWeights;
import vtc.engine.vision.ClipVisionConfig;
import vtc.engine.vision.ClipVisionWeights;

/** Small seeded random weights held in memory, for engine tests against naive references. */
public final class RandomModel {

    private final Random random;

    public RandomModel(long seed) {
        this.random = new Random(seed);
    }

    /** A tiny CLIP: 8×8 image, 4×4 patches (2×2 grid, N = 4), hidden 8, 2 heads, 3 layers. */
    public static ClipVisionConfig tinyClip() {
        return new ClipVisionConfig(8, 16, 3, 2, 8, 4, 3, "quick_gelu", 1e-5);
    }

    /** A tiny Llama: hidden 16, 4 query heads sharing 2 key/value heads of dim 4, 3 layers, vocab 24. */
    public static LlamaConfig tinyLlama(int maxPositions) {
        return new LlamaConfig(24, 16, 24, 3, 4, 2, 4, "silu", maxPositions, 1e-5, 10000, false, 1, new int[] {2});
    }

    public static LlavaConfig tinyLlava(int maxPositions) {
        return new LlavaConfig(tinyClip(), tinyLlama(maxPositions), 23, "gelu", -2, "default", true, null);
    }

    public WeightMatrix matrix(String name, int rows, int cols, double scale) {
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return new WeightMatrix(name, MemorySegment.ofArray(values), DType.F32, rows, cols);
    }

    /** A BF16 matrix: random values rounded to their upper 16 bits. */
    public WeightMatrix bf16Matrix(String name, int rows, int cols, double scale) {
        short[] bits = new short[rows * cols];
        for (int i = 0; i < bits.length; i++) {
            float v = (float) ((random.nextDouble() * 2 - 1) * scale);
            bits[i] = (short) (Float.floatToRawIntBits(v) >>> 16);
        }
        return new WeightMatrix(name, MemorySegment.ofArray(bits), DType.BF16, rows, cols);
    }

    public float[] vector(int n, double center, double spread) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (center + (random.nextDouble() * 2 - 1) * spread);
        }
        return v;
    }

    public float[] pixels(ClipVisionConfig c) {
        return vector(c.numChannels() * c.imageSize() * c.imageSize(), 0, 2);
    }

    public ClipVisionWeights clip(ClipVisionConfig c) {
        int d = c.hiddenSize();
        int m = c.intermediateSize();
        double s = 1 / Math.sqrt(d);
        List<ClipLayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            layers.add(new ClipLayerWeights(vector(d, 1, 0.2), vector(d, 0, 0.2),
                    matrix("q" + l, d, d, 3 * s), vector(d, 0, 0.2),
                    matrix("k" + l, d, d, 3 * s), vector(d, 0, 0.2),
                    matrix("v" + l, d, d, s), vector(d, 0, 0.2),
                    matrix("o" + l, d, d, s), vector(d, 0, 0.2),
                    vector(d, 1, 0.2), vector(d, 0, 0.2),
                    matrix("fc1_" + l, m, d, s), vector(m, 0, 0.2),
                    matrix("fc2_" + l, d, m, 1 / Math.sqrt(m)), vector(d, 0, 0.2)));
        }
        int p = c.patchSize();
        return new ClipVisionWeights(matrix("patch", d, c.numChannels() * p * p, 0.2), vector(d, 0, 1),
                matrix("position", c.numPatches() + 1, d, 0.5), vector(d, 1, 0.2), vector(d, 0, 0.2), layers);
    }

    public LlamaWeights llama(LlamaConfig c) {
        int d = c.hiddenSize();
        int m = c.intermediateSize();
        int q = c.numAttentionHeads() * c.headDim();
        int kv = c.numKeyValueHeads() * c.headDim();
        double s = 1 / Math.sqrt(d);
        List<LlamaLayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            layers.add(new LlamaLayerWeights(vector(d, 1, 0.2),
                    matrix("q" + l, q, d, 3 * s), matrix("k" + l, kv, d, 3 * s), matrix("v" + l, kv, d, s),
                    matrix("o" + l, d, q, 1 / Math.sqrt(q)), vector(d, 1, 0.2),
                    matrix("gate" + l, m, d, s), matrix("up" + l, m, d, s), matrix("down" + l, d, m, 1 / Math.sqrt(m))));
        }
        return new LlamaWeights(bf16Matrix("embed", c.vocabSize(), d, 1), layers, vector(d, 1, 0.2),
                matrix("lm_head", c.vocabSize(), d, 1));
    }

    public LlavaWeights llava(LlavaConfig c) {
        int dv = c.vision().hiddenSize();
        int dt = c.text().hiddenSize();
        ProjectorWeights projector = new ProjectorWeights(matrix("linear_1", dt, dv, 1 / Math.sqrt(dv)),
                vector(dt, 0, 0.2), matrix("linear_2", dt, dt, 1 / Math.sqrt(dt)), vector(dt, 0, 0.2));
        return new LlavaWeights(clip(c.vision()), projector, llama(c.text()));
    }
}
