package vtc.engine.prune;

/**
 * Watches the decoder prefill: at the layers it wants, receives the attention of the last prompt
 * token over the keys it sees, averaged over the query heads (the signal behind the paper's
 * Figure 2 and FastV). After a cut inside the decoder, later layers see only the kept tokens,
 * which is why every key comes with its decoder position.
 */
@FunctionalInterface
public interface DecoderAttentionObserver {

    /** Whether layer {@code layer}'s last-token attention is wanted (it costs one softmax row copy per head). */
    default boolean wantsLayer(int layer) {
        return true;
    }

    /**
     * @param headMean     {@code headMean[i]} is the head-mean attention on key i, for i &lt; keys
     * @param keyPositions {@code keyPositions[i]} is the decoder position of key i (ascending)
     *                     Both arrays are the engine's scratch space, valid only during the call.
     */
    void lastTokenAttention(int layer, float[] headMean, int[] keyPositions, int keys);
}
