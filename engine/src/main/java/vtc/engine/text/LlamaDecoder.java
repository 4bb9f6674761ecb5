package vtc.engine.text;

import java.util.Arrays;
import java.util.Objects;
import vtc.engine.kernels.Activations;
import vtc.engine.kernels.MatMul;
import vtc.engine.kernels.Norms;
import vtc.engine.kernels.Parallel;
import vtc.engine.kernels.Rope;
import vtc.engine.kernels.VectorOps;
import vtc.engine.prune.DecoderAttentionObserver;
import vtc.engine.prune.DecoderTokenSelector;
import vtc.engine.stop.StopPoints;
import vtc.engine.tensor.WeightMatrix;
import vtc.engine.tensor.WeightPrefetch;

/**
 * The Llama decoder (SPEC §6): pre-RMSNorm blocks with rotary grouped-query attention and a
 * SwiGLU MLP. A prompt runs all its rows through each layer at once (one matrix-matrix product
 * per projection); generation then adds one token per step against the {@link KvCache}.
 *
 * <p>Every row carries an explicit decoder position: RoPE rotates by it and the causal mask
 * compares it, so FastV's kept tokens keep their original positions (SPEC §4b).
 * Immutable and safe to share; per-request state lives in the cache and {@link DecodeState}.
 */
public final class LlamaDecoder {

    private final LlamaConfig config;
    private final LlamaWeights weights;
    private final Parallel parallel;
    private final Rope rope;
    private final int qDim;
    private final int kvDim;

    public LlamaDecoder(LlamaConfig config, LlamaWeights weights, Parallel parallel) {
        this.config = Objects.requireNonNull(config, "config");
        this.weights = Objects.requireNonNull(weights, "weights");
        this.parallel = Objects.requireNonNull(parallel, "parallel");
        if (weights.layers().size() != config.numHiddenLayers()) {
            throw new IllegalArgumentException("decoder config has " + config.numHiddenLayers()
                    + " layers but the weights hold " + weights.layers().size());
        }
        if (config.numAttentionHeads() % config.numKeyValueHeads() != 0) {
            throw new IllegalArgumentException(config.numAttentionHeads() + " attention heads cannot share "
                    + config.numKeyValueHeads() + " key/value heads evenly");
        }
        this.rope = new Rope(config.headDim(), config.ropeTheta());
        this.qDim = config.numAttentionHeads() * config.headDim();
        this.kvDim = config.numKeyValueHeads() * config.headDim();
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
     * Runs the prompt rows through every layer, filling {@code cache}. {@code x} ({@code rows}
     * rows of hidden size) and {@code positions} are updated in place: they end as the output of
     * the last layer (before the final norm) for the rows that are still there.
     *
     * @param fastv      prunes image tokens inside the decoder, or null
     * @param imageStart position of image token 0; image token j sits at {@code imageStart + j}
     * @param imageCount number of image tokens (ignored without FastV)
     * @param observer   receives the last prompt token's head-mean attention per layer, or null
     */
    public PrefillResult prefill(KvCache cache, float[] x, int rows, int[] positions, DecoderTokenSelector fastv,
                                 int imageStart, int imageCount, DecoderAttentionObserver observer) {
        int pruneLayer = fastv == null ? -1 : fastv.layer();
        if (fastv != null && (pruneLayer < 1 || pruneLayer >= config.numHiddenLayers())) {
            throw new IllegalArgumentException("FastV layer K must be in [1, " + (config.numHiddenLayers() - 1)
                    + "], got " + pruneLayer);
        }
        LayerActivations act = new LayerActivations(config, rows, cache.capacity());
        int[] kept = null;
        prefetchLayer(0);
        for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
            StopPoints.check("prefill");
            if (layer == pruneLayer) {
                float[] attention = imageAttention(act.headMean, cache, layer - 1, imageStart, imageCount);
                kept = checkedKeep(fastv.keep(attention), imageCount);
                rows = keepRows(x, positions, rows, imageStart, imageCount, kept);
            }
            boolean watched = observer != null || layer == pruneLayer - 1;
            prefetchLayer(layer + 1);
            layer(layer, x, rows, positions, cache, act, watched);
            if (observer != null) {
                observer.lastTokenAttention(layer, act.headMean, cache.positions(layer), cache.length(layer));
            }
        }
        return new PrefillResult(rows, kept);
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
     * Layers {@code [fromLayer, toLayer)} over {@code rows} rows at the given positions, with no
     * cache kept afterwards: the plain path tests build references from (same layer code).
     */
    public void forwardLayers(float[] x, int rows, int[] positions, int fromLayer, int toLayer) {
        KvCache scratchCache = newCache(rows);
        LayerActivations act = new LayerActivations(config, rows, rows);
        for (int layer = fromLayer; layer < toLayer; layer++) {
            layer(layer, x, rows, positions, scratchCache, act, false);
        }
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

    /**
     * One decoder block over {@code rows} rows: {@code x += o_proj(attn(rmsnorm(x)))}, then
     * {@code x += down(silu(gate(h)) · up(h))} with {@code h = rmsnorm(x)}. The rows' keys and
     * values are appended to the cache first, so each row also attends to itself.
     */
    void layer(int layer, float[] x, int rows, int[] positions, KvCache cache, LayerActivations act,
               boolean watchLastRow) {
        LlamaLayerWeights w = weights.layers().get(layer);
        int d = config.hiddenSize();
        float eps = (float) config.rmsNormEps();

        for (int i = 0; i < rows; i++) {
            Norms.rmsNorm(x, i * d, d, w.inputLayerNorm(), eps, act.normed, i * d);
        }
        MatMul.matmul(parallel, act.normed, 0, rows, w.qProj(), null, act.q, 0);
        MatMul.matmul(parallel, act.normed, 0, rows, w.kProj(), null, act.k, 0);
        MatMul.matmul(parallel, act.normed, 0, rows, w.vProj(), null, act.v, 0);
        for (int i = 0; i < rows; i++) {
            rope.apply(act.q, i * qDim, config.numAttentionHeads(), positions[i]);
            rope.apply(act.k, i * kvDim, config.numKeyValueHeads(), positions[i]);
        }
        cache.append(layer, act.k, act.v, rows, positions);
        act.attention.compute(parallel, cache, layer, rows, positions, watchLastRow);
        MatMul.matmul(parallel, act.attended, 0, rows, w.oProj(), null, act.residual, 0);
        VectorOps.add(x, 0, act.residual, 0, rows * d);

        for (int i = 0; i < rows; i++) {
            Norms.rmsNorm(x, i * d, d, w.postAttentionLayerNorm(), eps, act.normed, i * d);
        }
        MatMul.matmul(parallel, act.normed, 0, rows, w.gateProj(), null, act.gate, 0);
        MatMul.matmul(parallel, act.normed, 0, rows, w.upProj(), null, act.up, 0);
        Activations.siluMul(act.gate, 0, act.up, 0, rows * config.intermediateSize());
        MatMul.matmul(parallel, act.gate, 0, rows, w.downProj(), null, act.residual, 0);
        VectorOps.add(x, 0, act.residual, 0, rows * d);
    }

    /** FastV's signal: the head-mean attention of layer {@code layer}'s last row on each image key. */
    private static float[] imageAttention(float[] headMean, KvCache cache, int layer, int imageStart, int imageCount) {
        float[] attention = new float[imageCount];
        int[] pos = cache.positions(layer);
        int found = 0;
        for (int j = 0; j < cache.length(layer); j++) {
            int image = pos[j] - imageStart;
            if (image >= 0 && image < imageCount) {
                attention[image] = headMean[j];
                found++;
            }
        }
        if (found != imageCount) {
            throw new IllegalStateException("FastV needs all " + imageCount + " image tokens in layer " + layer
                    + " but the cache holds " + found);
        }
        return attention;
    }

    private static int[] checkedKeep(int[] keep, int imageCount) {
        if (keep == null || keep.length == 0) {
            throw new IllegalStateException("DecoderTokenSelector.keep must keep at least one image token");
        }
        for (int i = 0; i < keep.length; i++) {
            if (keep[i] < 0 || keep[i] >= imageCount || (i > 0 && keep[i] <= keep[i - 1])) {
                throw new IllegalStateException("DecoderTokenSelector.keep must return strictly ascending indices in [0, "
                        + imageCount + "), got " + Arrays.toString(keep));
            }
        }
        return keep.clone();
    }

    /** Compacts {@code x} and {@code positions} to the text rows and the kept image rows. */
    private int keepRows(float[] x, int[] positions, int rows, int imageStart, int imageCount, int[] kept) {
        int d = config.hiddenSize();
        int out = 0;
        int nextKept = 0;
        for (int i = 0; i < rows; i++) {
            int image = positions[i] - imageStart;
            if (image >= 0 && image < imageCount) {
                if (nextKept < kept.length && kept[nextKept] == image) {
                    nextKept++;
                } else {
                    continue;
                }
            }
            System.arraycopy(x, i * d, x, out * d, d);
            positions[out] = positions[i];
            out++;
        }
        return out;
    }
}
