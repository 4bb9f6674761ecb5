package vtc.engine.vision;

import vtc.engine.kernels.Parallel;
import vtc.engine.kernels.Softmax;
import vtc.engine.kernels.AttentionTile;

/**
 * The ViT's full (unmasked) multi-head self-attention, {@code softmax(scale · Q_h K_hᵀ) V_h} per
 * head, in tiles of {@link AttentionTile#ROWS} query rows (two register-blocked products per
 * tile). One head per parallel unit; its keys are transposed once. The [CLS] query's
 * probabilities (row 0) are copied aside when asked. One instance per forward pass.
 */
final class ClipSelfAttention implements Parallel.RangeTask {

    private final int tokens;
    private final int d;
    private final int headDim;
    private final float scale;
    /** Length of a score row: the keys padded to whole panels. */
    private final int stride;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final float[] attended;
    private final float[] clsProbs;
    private boolean keepClsRows;

    /**
     * @param q        {@code [tokens, d]} queries (all heads side by side), likewise {@code k}, {@code v}
     * @param attended {@code [tokens, d]} output
     * @param clsProbs {@code [heads, tokens]}: row 0's probabilities of each head, when kept
     */
    ClipSelfAttention(int tokens, int d, int headDim, float[] q, float[] k, float[] v, float[] attended,
                      float[] clsProbs) {
        this.tokens = tokens;
        this.d = d;
        this.headDim = headDim;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        this.stride = AttentionTile.paddedKeys(tokens);
        this.q = q;
        this.k = k;
        this.v = v;
        this.attended = attended;
        this.clsProbs = clsProbs;
    }

    void compute(Parallel parallel, int heads, boolean keepClsRows) {
        this.keepClsRows = keepClsRows;
        parallel.forRange(heads, this);
    }

    @Override
    public void run(int fromHead, int toHead) {
        int rowsPerTile = AttentionTile.ROWS;
        float[] keysT = new float[headDim * stride];
        float[] queries = new float[rowsPerTile * headDim];
        float[] probs = new float[rowsPerTile * stride];
        for (int h = fromHead; h < toHead; h++) {
            int col = h * headDim;
            AttentionTile.transposeKeys(k, col, d, tokens, headDim, keysT);
            for (int i0 = 0; i0 < tokens; i0 += rowsPerTile) {
                int rows = Math.min(rowsPerTile, tokens - i0);
                AttentionTile.gatherQueries(q, i0 * d + col, d, rows, headDim, queries);
                AttentionTile.scores(queries, headDim, keysT, tokens, scale, probs, stride);
                for (int r = 0; r < rows; r++) {
                    Softmax.softmax(probs, r * stride, tokens);
                }
                if (i0 == 0 && keepClsRows) {
                    System.arraycopy(probs, 0, clsProbs, h * tokens, tokens);
                }
                AttentionTile.weightedValues(probs, stride, tokens, v, col, d, headDim, rows, attended, i0 * d + col, d);
            }
        }
    }
}
