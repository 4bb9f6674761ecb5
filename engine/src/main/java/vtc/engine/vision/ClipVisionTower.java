package vtc.engine.vision;

import java.util.Objects;
import vtc.engine.kernels.Activations;
import vtc.engine.kernels.MatMul;
import vtc.engine.kernels.Norms;
import vtc.engine.kernels.Parallel;
import vtc.engine.kernels.VectorOps;
import vtc.engine.prune.VisionObserver;
import vtc.engine.stop.StopPoints;
import vtc.engine.tensor.WeightMatrix;
import vtc.engine.tensor.WeightPrefetch;

/**
 * The CLIP ViT as LLaVA uses it (docs/semantics.md, "Vision tower"): patch embedding, [CLS] and
 * position embeddings, pre-layernorm, then pre-LN encoder blocks up to the feature layer. The
 * layers after it and the post-layernorm never influence LLaVA's features, so they are not run;
 * only an observer that asks for them gets the last layer's queries and keys.
 *
 * <p>Every step works on all {@code N + 1} token rows at once, so each linear layer is one
 * matrix-matrix product. Immutable and safe to share between threads; each call allocates its
 * own activations.
 */
public final class ClipVisionTower {

    private final ClipVisionConfig config;
    private final ClipVisionWeights weights;
    private final int layersToRun;
    private final Parallel parallel;

    /**
     * @param layersToRun how many encoder layers to run: LLaVA's {@code featureHiddenIndex()};
     *                    the full {@code numHiddenLayers} only to inspect every hidden state
     */
    public ClipVisionTower(ClipVisionConfig config, ClipVisionWeights weights, int layersToRun, Parallel parallel) {
        this.config = Objects.requireNonNull(config, "config");
        this.weights = Objects.requireNonNull(weights, "weights");
        this.parallel = Objects.requireNonNull(parallel, "parallel");
        if (layersToRun < 0 || layersToRun > weights.layers().size()) {
            throw new IllegalArgumentException("the vision tower has " + weights.layers().size()
                    + " encoder layers, cannot run " + layersToRun);
        }
        this.layersToRun = layersToRun;
    }

    public ClipVisionConfig config() {
        return config;
    }

    public int layersToRun() {
        return layersToRun;
    }

    /**
     * The visual features of one image: {@code hidden[layersToRun]} without the [CLS] row,
     * {@code N} rows of {@code hiddenSize} floats (patch j = grid row · grid + grid column).
     *
     * @param pixels   {@code [C, S, S]} normalized pixel values
     * @param observer receives the [CLS] attention rows of the layers it wants, and the last
     *                 layer's queries and keys if it wants them, or null
     * @param hidden   receives every hidden state, or null
     */
    public float[] patchFeatures(float[] pixels, VisionObserver observer, VisionHiddenStateListener hidden) {
        int d = config.hiddenSize();
        int tokens = config.numPatches() + 1;
        prefetchLayer(0);
        float[] x = embeddings(pixels);
        if (hidden != null) {
            hidden.hiddenState(0, x, tokens, d);
        }
        EncoderActivations act = new EncoderActivations(config, tokens);
        for (int layer = 0; layer < layersToRun; layer++) {
            StopPoints.check("vision");
            prefetchLayer(layer + 1);
            encoderLayer(layer, x, act, observer);
            if (hidden != null) {
                hidden.hiddenState(layer + 1, x, tokens, d);
            }
        }
        if (observer != null && observer.wantsLastLayerQueryKey()) {
            lastLayerQueryKey(x, act, observer);
        }
        float[] features = new float[(tokens - 1) * d];
        System.arraycopy(x, d, features, 0, features.length);
        return features;
    }

    /**
     * Whether the last encoder layer's queries and keys can be computed: the layers run end just
     * before it (LLaVA's feature layer −2) and the checkpoint holds its query/key weights.
     */
    public boolean hasLastLayerQueryKey() {
        return weights.lastLayerQueryKey() != null && layersToRun == config.numHiddenLayers() - 1;
    }

    /**
     * The last layer's {@code layer_norm1}, then {@code q_proj} of the [CLS] row only (nothing
     * else needs a query) and {@code k_proj} of every row, on the features' hidden state.
     */
    private void lastLayerQueryKey(float[] x, EncoderActivations act, VisionObserver observer) {
        if (!hasLastLayerQueryKey()) {
            throw new IllegalStateException("the last encoder layer's q/k cannot be computed: it needs layer_norm1, "
                    + "q_proj and k_proj of layer " + (config.numHiddenLayers() - 1) + " and features taken right before it");
        }
        ClipQueryKeyWeights w = weights.lastLayerQueryKey();
        int d = config.hiddenSize();
        int tokens = act.tokens;
        float eps = (float) config.layerNormEps();
        for (int t = 0; t < tokens; t++) {
            Norms.layerNorm(x, t * d, d, w.layerNorm1Weight(), w.layerNorm1Bias(), eps, act.normed, t * d);
        }
        float[] clsQuery = new float[d];
        MatMul.matmul(parallel, act.normed, 0, 1, w.qProj(), w.qBias(), clsQuery, 0);
        MatMul.matmul(parallel, act.normed, 0, tokens, w.kProj(), w.kBias(), act.k, 0);
        observer.lastLayerQueryKey(clsQuery, act.k, tokens, d);
    }

    /** Starts reading encoder layer {@code layer}'s mapped weights in the background, if it will run. */
    private void prefetchLayer(int layer) {
        if (layer >= layersToRun) {
            return;
        }
        ClipLayerWeights w = weights.layers().get(layer);
        for (WeightMatrix m : new WeightMatrix[] {w.qProj(), w.kProj(), w.vProj(), w.outProj(), w.fc1(), w.fc2()}) {
            WeightPrefetch.request(m);
        }
    }

    /** Token rows {@code [N + 1, D]}: [CLS] then the patches, plus positions, pre-layernormed. */
    private float[] embeddings(float[] pixels) {
        int channels = config.numChannels();
        int size = config.imageSize();
        if (pixels.length != channels * size * size) {
            throw new IllegalArgumentException("pixel values hold " + pixels.length + " floats, expected ["
                    + channels + ", " + size + ", " + size + "]");
        }
        int d = config.hiddenSize();
        int patches = config.numPatches();
        float[] x = new float[(patches + 1) * d];
        System.arraycopy(weights.classEmbedding(), 0, x, 0, d);
        float[] unfolded = unfoldPatches(pixels);
        MatMul.matmul(parallel, unfolded, 0, patches, weights.patchEmbedding(), null, x, d);
        float[] position = new float[d];
        for (int t = 0; t <= patches; t++) {
            weights.positionEmbedding().readRow(t, position, 0);
            VectorOps.add(x, t * d, position, 0, d);
        }
        float eps = (float) config.layerNormEps();
        for (int t = 0; t <= patches; t++) {
            Norms.layerNorm(x, t * d, d, weights.preLayerNormWeight(), weights.preLayerNormBias(), eps, x, t * d);
        }
        return x;
    }

    /**
     * The stride-P convolution as a matrix: row j is patch j flattened in the conv kernel's
     * {@code [C, P, P]} order, so {@code rows · patchEmbeddingᵀ} is the convolution.
     */
    private float[] unfoldPatches(float[] pixels) {
        int channels = config.numChannels();
        int size = config.imageSize();
        int p = config.patchSize();
        int grid = config.gridSize();
        int width = channels * p * p;
        float[] rows = new float[grid * grid * width];
        for (int patchRow = 0; patchRow < grid; patchRow++) {
            for (int patchCol = 0; patchCol < grid; patchCol++) {
                int at = (patchRow * grid + patchCol) * width;
                for (int c = 0; c < channels; c++) {
                    for (int dy = 0; dy < p; dy++) {
                        int src = (c * size + patchRow * p + dy) * size + patchCol * p;
                        System.arraycopy(pixels, src, rows, at, p);
                        at += p;
                    }
                }
            }
        }
        return rows;
    }

    /** {@code x += out_proj(attn(ln1(x)))}, then {@code x += fc2(quick_gelu(fc1(ln2(x))))}. */
    private void encoderLayer(int layer, float[] x, EncoderActivations act, VisionObserver observer) {
        ClipLayerWeights w = weights.layers().get(layer);
        int d = config.hiddenSize();
        int tokens = act.tokens;
        float eps = (float) config.layerNormEps();

        for (int t = 0; t < tokens; t++) {
            Norms.layerNorm(x, t * d, d, w.layerNorm1Weight(), w.layerNorm1Bias(), eps, act.normed, t * d);
        }
        MatMul.matmul(parallel, act.normed, 0, tokens, w.qProj(), w.qBias(), act.q, 0);
        MatMul.matmul(parallel, act.normed, 0, tokens, w.kProj(), w.kBias(), act.k, 0);
        MatMul.matmul(parallel, act.normed, 0, tokens, w.vProj(), w.vBias(), act.v, 0);
        boolean watched = observer != null && observer.wantsLayer(layer);
        act.attention.compute(parallel, config.numAttentionHeads(), watched);
        if (watched) {
            for (int h = 0; h < config.numAttentionHeads(); h++) {
                observer.clsAttention(layer, h, act.clsProbs, h * tokens, tokens);
            }
        }
        MatMul.matmul(parallel, act.attended, 0, tokens, w.outProj(), w.outBias(), act.residual, 0);
        VectorOps.add(x, 0, act.residual, 0, tokens * d);

        for (int t = 0; t < tokens; t++) {
            Norms.layerNorm(x, t * d, d, w.layerNorm2Weight(), w.layerNorm2Bias(), eps, act.normed, t * d);
        }
        MatMul.matmul(parallel, act.normed, 0, tokens, w.fc1(), w.fc1Bias(), act.mlp, 0);
        Activations.quickGelu(act.mlp, 0, tokens * config.intermediateSize());
        MatMul.matmul(parallel, act.mlp, 0, tokens, w.fc2(), w.fc2Bias(), act.residual, 0);
        VectorOps.add(x, 0, act.residual, 0, tokens * d);
    }

    /** Scratch arrays of one forward pass, sized for {@code tokens} rows. */
    private static final class EncoderActivations {
        final int tokens;
        final float[] normed;
        final float[] q;
        final float[] k;
        final float[] v;
        final float[] attended;
        final float[] residual;
        final float[] mlp;
        final float[] clsProbs;
        final ClipSelfAttention attention;

        EncoderActivations(ClipVisionConfig config, int tokens) {
            int rowsByHidden = tokens * config.hiddenSize();
            this.tokens = tokens;
            this.normed = new float[rowsByHidden];
            this.q = new float[rowsByHidden];
            this.k = new float[rowsByHidden];
            this.v = new float[rowsByHidden];
            this.attended = new float[rowsByHidden];
            this.residual = new float[rowsByHidden];
            this.mlp = new float[tokens * config.intermediateSize()];
            this.clsProbs = new float[config.numAttentionHeads() * tokens];
            this.attention = new ClipSelfAttention(tokens, config.hiddenSize(), config.headDim(), q, k, v, attended,
                    clsProbs);
        }
    }
}
