package vtc.engine.text;

import java.util.Objects;
import vtc.engine.kernels.Activations;
import vtc.engine.kernels.MatMul;
import vtc.engine.kernels.Norms;
import vtc.engine.kernels.Parallel;
import vtc.engine.kernels.Rope;
import vtc.engine.kernels.VectorOps;
import vtc.engine.prune.DecoderAttentionObserver;
import vtc.engine.stop.StopPoints;
import vtc.engine.tensor.WeightMatrix;
import vtc.engine.tensor.WeightPrefetch;

/**
 * The Llama decoder (docs/semantics.md, "Decoder"): pre-RMSNorm blocks with rotary
 * grouped-query attention and a SwiGLU MLP. A prompt runs all its rows through each layer at once (one matrix-matrix product
 * per projection); generation then adds one token per step against the {@link KvCache}.
 *
 * <p>Every row carries an explicit decoder position: RoPE rotates by it and the causal mask
 * compares it, so tokens kept by a cut inside the decoder keep their original positions.
 * Immutable and safe to share; per-request state lives in the cache and {@link DecodeState}.
 */
public final class LlamaDecoder {

    private final LlamaConfig config;
    private final LlamaWeights weights;
    private final Parallel parallel;
    private final Rope rope;
    private final int qDim;
    private final int kvDim;
    /** Per layer, {@code {q, k, v}} and {@code {gate, up}} projections: each set reads one input. */
    private final WeightMatrix[][] qkv;
    private final WeightMatrix[][] gateUp;

    public LlamaDecoder(LlamaConfig config, LlamaWeights weights, Parallel parallel) {
        this.config = Objects.requireNonNull(config, "config");
        this.weights = Objects.requireNonNull(weights, "weights");
        this.parallel = Objects.requireNonNull(parallel, "parallel");
        if (weights.layers().size() != config.numHiddenLayers()) {
            throw new IllegalArgumentException("decoder config has " + config.numHiddenLayers()
                    + " layers but the weights hold " + weights.layers().size());
        }
        this.rope = new Rope(config.headDim(), config.ropeTheta());
        this.qDim = config.numAttentionHeads() * config.headDim();
        this.kvDim = config.numKeyValueHeads() * config.headDim();
        int layers = weights.layers().size();
        this.qkv = new WeightMatrix[layers][];
        this.gateUp = new WeightMatrix[layers][];
        for (int l = 0; l < layers; l++) {
            LlamaLayerWeights w = weights.layers().get(l);
            qkv[l] = new WeightMatrix[] {w.qProj(), w.kProj(), w.vProj()};
            gateUp[l] = new WeightMatrix[] {w.gateProj(), w.upProj()};
        }
    }

    public LlamaConfig config() {
        return config;
    }

    /** An empty cache for one request of at most {@code capacity} tokens. */
    public KvCache newCache(int capacity) {
        return new KvCache(config.numHiddenLayers(), kvDim, capacity);
    }

    /** Scratch for the one-token steps that follow a prefill into {@code cache}. */
    public DecodeState decodeState(KvCache cache) {
        return new DecodeState(this, cache);
    }

    /** Row {@code token} of the embedding table, widened to float32, into {@code out[off..]}. */
    public void embed(int token, float[] out, int off) {
        if (token < 0 || token >= config.vocabSize()) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, "
                    + config.vocabSize() + ")");
        }
        weights.embedTokens().readRow(token, out, off);
    }

    /**
     * Runs the prompt rows through every layer, filling {@code cache}. The rows end as the
     * output of the last layer (before the final norm).
     *
     * @param observer receives the last prompt row's head-mean attention in the layers it wants, or null
     */
    public void prefill(KvCache cache, PromptRows prompt, DecoderAttentionObserver observer) {
        prefill(cache, prompt, 0, config.numHiddenLayers(), observer);
    }

    /**
     * Runs the prompt rows through layers {@code [fromLayer, toLayer)}, appending to {@code cache}:
     * a prompt pass in two parts leaves room for dropping rows in between.
     */
    public void prefill(KvCache cache, PromptRows prompt, int fromLayer, int toLayer, DecoderAttentionObserver observer) {
        if (fromLayer < 0 || fromLayer > toLayer || toLayer > config.numHiddenLayers()) {
            throw new IllegalArgumentException("layers [" + fromLayer + ", " + toLayer + ") are not within the "
                    + config.numHiddenLayers() + " decoder layers");
        }
        LayerActivations act = new LayerActivations(config, prompt.rows(), cache.capacity());
        prefetchLayer(fromLayer);
        for (int layer = fromLayer; layer < toLayer; layer++) {
            StopPoints.check("prefill");
            boolean watched = observer != null && observer.wantsLayer(layer);
            prefetchLayer(layer + 1);
            layer(layer, prompt.x(), prompt.rows(), prompt.positions(), cache, act, watched);
            if (watched) {
                observer.lastTokenAttention(layer, act.headMean, cache.positions(layer), cache.length(layer));
            }
        }
    }

    /**
     * Starts reading layer {@code layer}'s mapped weights from disk in the background (the
     * lm_head past the last layer), so a prompt pass over a cold checkpoint overlaps disk reads
     * with the layer before. Decode steps touch every layer each token and need no hint.
     */
    public void prefetchLayer(int layer) {
        if (layer >= config.numHiddenLayers()) {
            WeightPrefetch.request(weights.lmHead());
            return;
        }
        LlamaLayerWeights w = weights.layers().get(layer);
        for (WeightMatrix m : new WeightMatrix[] {w.qProj(), w.kProj(), w.vProj(), w.oProj(), w.gateProj(),
                w.upProj(), w.downProj()}) {
            WeightPrefetch.request(m);
        }
    }

    /**
     * Layers {@code [fromLayer, toLayer)} over {@code rows} rows at the given positions, with a
     * cache of their own that is dropped afterwards: the plain path tests build references from.
     */
    public void forwardLayers(float[] x, int rows, int[] positions, int fromLayer, int toLayer) {
        prefill(newCache(rows), new PromptRows(x, positions, rows, config.hiddenSize()), fromLayer, toLayer, null);
    }

    /** Final norm and lm_head of row {@code row} of {@code x} into {@code out} (vocab floats). */
    public void logits(float[] x, int row, float[] out) {
        logits(x, row, new float[config.hiddenSize()], out);
    }

    /** Logits of every row, {@code [rows, vocab]} (tests and analysis; generation needs one row). */
    public float[] logitsAll(float[] x, int rows) {
        int d = config.hiddenSize();
        float[] normed = new float[rows * d];
        for (int i = 0; i < rows; i++) {
            Norms.rmsNorm(x, i * d, d, weights.norm(), (float) config.rmsNormEps(), normed, i * d);
        }
        float[] out = new float[rows * config.vocabSize()];
        MatMul.matmul(parallel, normed, 0, rows, weights.lmHead(), null, out, 0);
        return out;
    }

    void logits(float[] x, int row, float[] normed, float[] out) {
        int d = config.hiddenSize();
        Norms.rmsNorm(x, row * d, d, weights.norm(), (float) config.rmsNormEps(), normed, 0);
        MatMul.matmul(parallel, normed, 0, 1, weights.lmHead(), null, out, 0);
    }

    /** Final norm and lm_head of the first {@code rows} rows of {@code x}: one pass over lm_head for all. */
    void logitsOfRows(float[] x, int rows, float[] normed, float[] out) {
        int d = config.hiddenSize();
        for (int i = 0; i < rows; i++) {
            Norms.rmsNorm(x, i * d, d, weights.norm(), (float) config.rmsNormEps(), normed, i * d);
        }
        MatMul.matmul(parallel, normed, 0, rows, weights.lmHead(), null, out, 0);
    }

    Parallel parallel() {
        return parallel;
    }

    /**
     * One decoder block over {@code rows} rows: {@code x += o_proj(attn(rmsnorm(x)))}, then
     * {@code x += down(silu(gate(h)) · up(h))} with {@code h = rmsnorm(x)}. The rows' keys and
     * values are appended to the cache first, so each row also attends to itself.
     */
    void layer(int layer, float[] x, int rows, int[] positions, KvCache cache, LayerActivations act,
               boolean watchLastRow) {
        projectQkv(layer, x, rows, positions, act);
        cache.append(layer, act.k, act.v, rows, positions);
        act.attention.compute(parallel, cache, layer, rows, positions, watchLastRow);
        finishLayer(layer, x, rows, act);
    }

    /**
     * The first half of a block: {@code act.normed = rmsnorm(x)}, then the q, k and v
     * projections of every row, rotated by each row's own position. A {@link DecodeBatch} runs
     * this over rows that belong to different sequences.
     */
    void projectQkv(int layer, float[] x, int rows, int[] positions, LayerActivations act) {
        LlamaLayerWeights w = weights.layers().get(layer);
        int d = config.hiddenSize();
        float eps = (float) config.rmsNormEps();
        for (int i = 0; i < rows; i++) {
            Norms.rmsNorm(x, i * d, d, w.inputLayerNorm(), eps, act.normed, i * d);
        }
        MatMul.matmul(parallel, act.normed, 0, rows, qkv[layer], act.qkv);
        for (int i = 0; i < rows; i++) {
            rope.apply(act.q, i * qDim, config.numAttentionHeads(), positions[i]);
            rope.apply(act.k, i * kvDim, config.numKeyValueHeads(), positions[i]);
        }
    }

    /** The rest of a block, from {@code act.attended}: o_proj and the residual, then the MLP and its residual. */
    void finishLayer(int layer, float[] x, int rows, LayerActivations act) {
        LlamaLayerWeights w = weights.layers().get(layer);
        int d = config.hiddenSize();
        float eps = (float) config.rmsNormEps();
        MatMul.matmul(parallel, act.attended, 0, rows, w.oProj(), null, act.residual, 0);
        VectorOps.add(x, 0, act.residual, 0, rows * d);

        for (int i = 0; i < rows; i++) {
            Norms.rmsNorm(x, i * d, d, w.postAttentionLayerNorm(), eps, act.normed, i * d);
        }
        MatMul.matmul(parallel, act.normed, 0, rows, gateUp[layer], act.gateUp);
        Activations.siluMul(act.gate, 0, act.up, 0, rows * config.intermediateSize());
        MatMul.matmul(parallel, act.gate, 0, rows, w.downProj(), null, act.residual, 0);
        VectorOps.add(x, 0, act.residual, 0, rows * d);
    }
}
