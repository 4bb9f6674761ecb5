package vtc.engine.text;

import java.util.Arrays;
import vtc.engine.kernels.Parallel;
import vtc.engine.kernels.Softmax;
import vtc.engine.kernels.VectorOps;

/**
 * Softmax attention of a block of query rows over the cached entries at positions up to each
 * row's own, one query head per parallel unit; query head h reads key/value head
 * {@code h / queriesPerKvHead} (grouped-query attention). Each head keeps one softmax row at a
 * time. One instance per {@link LayerActivations}, reused by every layer and step, so a decode
 * step allocates nothing here.
 */
final class CausalAttention implements Parallel.RangeTask {

    private final int headDim;
    private final int qDim;
    private final int kvDim;
    private final int group;
    private final int heads;
    private final float scale;
    private final LayerActivations act;

    private KvCache cache;
    private int layer;
    private int rows;
    private int[] positions;
    private boolean watchLastRow;

    CausalAttention(LlamaConfig config, LayerActivations act) {
        this.headDim = config.headDim();
        this.heads = config.numAttentionHeads();
        this.qDim = heads * headDim;
        this.kvDim = config.numKeyValueHeads() * headDim;
        this.group = config.queriesPerKvHead();
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        this.act = act;
    }

    /**
     * Reads {@code act.q} ({@code rows} rotated query rows), writes {@code act.attended}. When
     * watched, the last row's probabilities averaged over heads land in {@code act.headMean}.
     */
    void compute(Parallel parallel, KvCache cache, int layer, int rows, int[] positions, boolean watchLastRow) {
        this.cache = cache;
        this.layer = layer;
        this.rows = rows;
        this.positions = positions;
        this.watchLastRow = watchLastRow;
        try {
            parallel.forRange(heads, this);
            if (watchLastRow) {
                averageLastRowOverHeads(cache.visible(layer, positions[rows - 1]));
            }
        } finally {
            this.cache = null;
            this.positions = null;
        }
    }

    @Override
    public void run(int fromHead, int toHead) {
        float[] keys = cache.keys(layer);
        float[] values = cache.values(layer);
        int capacity = cache.capacity();
        for (int h = fromHead; h < toHead; h++) {
            int scoreRow = h * capacity;
            int kvCol = (h / group) * headDim;
            for (int i = 0; i < rows; i++) {
                int seen = cache.visible(layer, positions[i]);
                int qAt = i * qDim + h * headDim;
                for (int j = 0; j < seen; j++) {
                    act.scores[scoreRow + j] = scale * VectorOps.dot(act.q, qAt, keys, j * kvDim + kvCol, headDim);
                }
                Softmax.softmax(act.scores, scoreRow, seen);
                if (watchLastRow && i == rows - 1) {
                    System.arraycopy(act.scores, scoreRow, act.lastRowProbs, scoreRow, seen);
                }
                Arrays.fill(act.attended, qAt, qAt + headDim, 0f);
                for (int j = 0; j < seen; j++) {
                    VectorOps.axpy(act.scores[scoreRow + j], values, j * kvDim + kvCol, act.attended, qAt, headDim);
                }
            }
        }
    }

    private void averageLastRowOverHeads(int keys) {
        int capacity = cache.capacity();
        for (int j = 0; j < keys; j++) {
            float sum = 0f;
            for (int h = 0; h < heads; h++) {
                sum += act.lastRowProbs[h * capacity + j];
            }
            act.headMean[j] = sum / heads;
        }
    }
}
