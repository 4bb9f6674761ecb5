package vtc.engine.text;

/**
 * Shape and constants of a Llama-family decoder (HF {@code LlamaConfig}). Only what the engine
 * computes can be built: SiLU as the activation, positive sizes, query heads that share the
 * key/value heads evenly. Field names in the errors are the config.json names.
 */
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

    public LlamaConfig {
        if (!"silu".equals(hiddenAct)) {
            throw new IllegalArgumentException("hidden_act is \"" + hiddenAct + "\"; the Llama decoder computes silu only");
        }
        requirePositive("vocab_size", vocabSize);
        requirePositive("hidden_size", hiddenSize);
        requirePositive("intermediate_size", intermediateSize);
        requirePositive("num_hidden_layers", numHiddenLayers);
        requirePositive("num_attention_heads", numAttentionHeads);
        requirePositive("num_key_value_heads", numKeyValueHeads);
        requirePositive("head_dim", headDim);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numAttentionHeads + " cannot share "
                    + "num_key_value_heads " + numKeyValueHeads + " evenly");
        }
        eosTokenIds = eosTokenIds == null ? new int[0] : eosTokenIds.clone();
    }

    private static void requirePositive(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be at least 1, got " + value);
        }
    }

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
