package vtc.engine.text;

/**
 * One request's one-token decode steps: its KV cache and every scratch array a step needs,
 * allocated once, so generating a token allocates no activations.
 */
public final class DecodeState {

    private final LlamaDecoder decoder;
    private final KvCache cache;
    private final LayerActivations act;
    private final float[] x;
    private final int[] position = new int[1];
    private final float[] normed;
    private final float[] logits;

    DecodeState(LlamaDecoder decoder, KvCache cache) {
        LlamaConfig config = decoder.config();
        this.decoder = decoder;
        this.cache = cache;
        this.act = new LayerActivations(config, 1, cache.capacity());
        this.x = new float[config.hiddenSize()];
        this.normed = new float[config.hiddenSize()];
        this.logits = new float[config.vocabSize()];
    }

    public KvCache cache() {
        return cache;
    }

    LlamaDecoder decoder() {
        return decoder;
    }

    /** The one-element position array of this sequence's step. */
    int[] position() {
        return position;
    }

    /** This sequence's one-row scratch; a {@link DecodeBatch} runs the sequence's attention in it. */
    LayerActivations activations() {
        return act;
    }

    /** The next-token logits of the last step, by {@link #next} or a {@link DecodeBatch}; reused by the next step. */
    public float[] logits() {
        return logits;
    }

    /**
     * Runs {@code token} at decoder position {@code pos} through every layer (appending it to
     * the cache) and returns the next-token logits. The array is reused by the next step.
     */
    public float[] next(int token, int pos) {
        decoder.embed(token, x, 0);
        position[0] = pos;
        for (int layer = 0; layer < decoder.config().numHiddenLayers(); layer++) {
            decoder.layer(layer, x, 1, position, cache, act, false);
        }
        decoder.logits(x, 0, normed, logits);
        return logits;
    }
}
