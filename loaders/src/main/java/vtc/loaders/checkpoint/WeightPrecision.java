package vtc.loaders.checkpoint;

/** What the matrix products compute from. */
public enum WeightPrecision {

    /** The checkpoint's own F32, F16 or BF16 values. */
    AS_STORED,

    /**
     * Every linear layer's weight quantized at load to 8 bits in blocks of 32 with one scale
     * ({@link vtc.engine.tensor.Q8Quantizer}): half the bytes of F16 per generated token, at a
     * small, bounded error. Embeddings, norms and biases stay as stored.
     */
    Q8_0
}
