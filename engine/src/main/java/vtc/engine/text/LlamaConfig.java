package vtc.engine.text;

/** Shape and constants of a Llama-family decoder (HF {@code LlamaConfig}). */
public record LlamaConfig(
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        String hiddenAct,
        int maxPositionEmbeddings,
        double rmsNormEps,
        double ropeTheta,
        boolean tieWordEmbeddings,
        int bosTokenId,
        int[] eosTokenIds) {

    /** Query heads that share one key/value head (grouped-query attention). */
    public int queriesPerKvHead() {
        return numAttentionHeads / numKeyValueHeads;
    }

    public boolean isEos(int token) {
        for (int eos : eosTokenIds) {
            if (eos == token) {
                return true;
            }
        }
        return false;
    }
}
