package vtc.engine.text;

import java.util.Arrays;
import vtc.engine.kernels.Attention;
import vtc.engine.kernels.AttentionTile;
import vtc.engine.kernels.Parallel;
import vtc.engine.kernels.Softmax;

/**
 * Softmax attention of a block of query rows over the cached entries at positions up to each
 * row's own, one query head per parallel unit; query head h reads key/value head
 * {@code h / queriesPerKvHead} (grouped-query attention).
 *
 * <p>A prompt runs in tiles of {@link AttentionTile#ROWS} consecutive query rows: the tile's
 * scores against every key the tile's last row sees, then each row's softmax over the keys it
 * sees, the rest zeroed (the causal mask), then the weighted values. A decode step (fewer rows
 * than a tile) attends row by row with {@link Attention#attendRow}. One instance per
 * {@link LayerActivations}, reused by every layer and step, so a decode step allocates nothing.
 */
final class CausalAttention implements Parallel.RangeTask {

    /** Per worker thread: transposed keys, a query tile and its score rows, grown as needed. */
    private static final ThreadLocal<TileScratch> SCRATCH = ThreadLocal.withInitial(TileScratch::new);

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
        this.watchLastRow = watchLastRow;
        countVisibleKeys(positions);
        try {
            parallel.forRange(heads, this);
            if (watchLastRow) {
                averageLastRowOverHeads(act.visibleKeys[rows - 1]);
            }
        } finally {
            this.cache = null;
        }
    }

    /**
     * {@code act.visibleKeys[i]}: how many cache entries row i sees. Rows and entries both ascend
     * by position, so one backward sweep finds them all.
     */
    private void countVisibleKeys(int[] positions) {
        int[] cached = cache.positions(layer);
        int n = cache.length(layer);
        for (int i = rows - 1; i >= 0; i--) {
            while (n > 0 && cached[n - 1] > positions[i]) {
                n--;
            }
            act.visibleKeys[i] = n;
        }
    }

    @Override
    public void run(int fromHead, int toHead) {
        for (int h = fromHead; h < toHead; h++) {
            if (rows < AttentionTile.ROWS) {
                attendRowByRow(h);
            } else {
                attendInTiles(h, SCRATCH.get().sizedFor(headDim, cache.capacity()));
            }
        }
    }

    private void attendRowByRow(int h) {
        float[] keys = cache.keys(layer);
        float[] values = cache.values(layer);
        int scoreRow = h * cache.capacity();
        int kvCol = (h / group) * headDim;
        for (int i = 0; i < rows; i++) {
            int seen = act.visibleKeys[i];
            int qAt = i * qDim + h * headDim;
            Attention.attendRow(act.q, qAt, keys, kvCol, kvDim, values, kvCol, kvDim, seen, headDim, scale,
                    act.scores, scoreRow, act.attended, qAt);
            if (watchLastRow && i == rows - 1) {
                System.arraycopy(act.scores, scoreRow, act.lastRowProbs, scoreRow, seen);
            }
        }
    }

    private void attendInTiles(int h, TileScratch s) {
        int kvCol = (h / group) * headDim;
        int stride = s.stride;
        AttentionTile.transposeKeys(cache.keys(layer), kvCol, kvDim, act.visibleKeys[rows - 1], headDim, s.keysT);
        for (int i0 = 0; i0 < rows; i0 += AttentionTile.ROWS) {
            int tileRows = Math.min(AttentionTile.ROWS, rows - i0);
            int tileKeys = act.visibleKeys[i0 + tileRows - 1];
            AttentionTile.gatherQueries(act.q, i0 * qDim + h * headDim, qDim, tileRows, headDim, s.queries);
            AttentionTile.scores(s.queries, headDim, s.keysT, tileKeys, scale, s.probs, stride);
            for (int r = 0; r < tileRows; r++) {
                int seen = act.visibleKeys[i0 + r];
                Softmax.softmax(s.probs, r * stride, seen);
                Arrays.fill(s.probs, r * stride + seen, r * stride + tileKeys, 0f);
                if (watchLastRow && i0 + r == rows - 1) {
                    System.arraycopy(s.probs, r * stride, act.lastRowProbs, h * cache.capacity(), seen);
                }
            }
            AttentionTile.weightedValues(s.probs, stride, tileKeys, cache.values(layer), kvCol, kvDim, headDim,
                    tileRows, act.attended, i0 * qDim + h * headDim, qDim);
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

    /** One thread's tile buffers, reallocated only when a larger head or cache comes along. */
    private static final class TileScratch {
        int stride;
        float[] keysT = new float[0];
        float[] queries = new float[0];
        float[] probs = new float[0];

        TileScratch sizedFor(int headDim, int capacity) {
            stride = AttentionTile.paddedKeys(capacity);
            if (keysT.length < headDim * stride) {
                keysT = new float[headDim * stride];
            }
            if (queries.length < AttentionTile.ROWS * headDim) {
                queries = new float[AttentionTile.ROWS * headDim];
            }
            if (probs.length < AttentionTile.ROWS * stride) {
                probs = new float[AttentionTile.ROWS * stride];
            }
            return this;
        }
    }
}
