package vtc.engine.text;

/**
 * Scratch arrays for running decoder layers over up to {@code rows} rows against a cache of
 * {@code cacheCapacity} entries. Allocated once per prefill, and once per request for the
 * one-token decode steps so the per-token loop allocates nothing.
 */
final class LayerActivations {

    final float[] normed;
    final float[] q;
    final float[] k;
    final float[] v;
    final float[] attended;
    final float[] residual;
    final float[] gate;
    final float[] up;
    /** {@code {q, k, v}} and {@code {gate, up}}: the outputs of the products that share an input. */
    final float[][] qkv;
    final float[][] gateUp;
    /** One softmax row per query head, {@code cacheCapacity} wide. */
    final float[] scores;
    /** The last query row's probabilities per head, kept when someone watches them. */
    final float[] lastRowProbs;
    /** {@link #lastRowProbs} averaged over heads. */
    final float[] headMean;
    /** How many cache entries each row sees (the causal mask), filled per layer. */
    final int[] visibleKeys;
    /** The attention task over these arrays, reused by every layer. */
    final CausalAttention attention;

    LayerActivations(LlamaConfig config, int rows, int cacheCapacity) {
        int qDim = config.numAttentionHeads() * config.headDim();
        int kvDim = config.numKeyValueHeads() * config.headDim();
        this.normed = new float[rows * config.hiddenSize()];
        this.q = new float[rows * qDim];
        this.k = new float[rows * kvDim];
        this.v = new float[rows * kvDim];
        this.attended = new float[rows * qDim];
        this.residual = new float[rows * config.hiddenSize()];
        this.gate = new float[rows * config.intermediateSize()];
        this.up = new float[rows * config.intermediateSize()];
        this.qkv = new float[][] {q, k, v};
        this.gateUp = new float[][] {gate, up};
        this.scores = new float[config.numAttentionHeads() * cacheCapacity];
        this.lastRowProbs = new float[config.numAttentionHeads() * cacheCapacity];
        this.headMean = new float[cacheCapacity];
        this.visibleKeys = new int[rows];
        this.attention = new CausalAttention(config, this);
    }
}
