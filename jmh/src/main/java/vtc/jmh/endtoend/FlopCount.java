package vtc.jmh.endtoend;

import vtc.engine.llava.LlavaConfig;
import vtc.engine.text.LlamaConfig;
import vtc.engine.vision.ClipVisionConfig;

/**
 * Floating-point operations of one LLaVA request up to its first token, per stage, counting a
 * multiply-add as 2 and ignoring norms, activations and softmax (linear in the rows, under 1 %).
 * The ideal speedup of a keep budget is {@code total(576) / total(keep)}: what pruning would
 * give if every stage ran at the same FLOP rate.
 */
record FlopCount(double vision, double projector, double prefill) {

    /**
     * @param textTokens prompt tokens other than the image token
     * @param keep       visual tokens that reach the decoder
     */
    static FlopCount of(LlavaConfig config, int textTokens, int keep) {
        return new FlopCount(vision(config.vision(), config.featureHiddenIndex()),
                2.0 * keep * (config.vision().hiddenSize() + config.text().hiddenSize()) * config.text().hiddenSize(),
                prefill(config.text(), textTokens + keep));
    }

    double total() {
        return vision + projector + prefill;
    }

    /** Patch embedding, then {@code layers} encoder blocks over N + 1 tokens (projections, MLP, attention). */
    private static double vision(ClipVisionConfig v, int layers) {
        double n = v.numPatches() + 1.0;
        double d = v.hiddenSize();
        double patchInput = (double) v.numChannels() * v.patchSize() * v.patchSize();
        double block = 2 * n * (4 * d * d + 2 * d * v.intermediateSize()) + 2 * 2 * n * n * d;
        return 2 * v.numPatches() * patchInput * d + layers * block;
    }

    /**
     * {@code rows} prompt rows through every layer (projections, SwiGLU MLP, causal attention
     * over {@code rows (rows + 1) / 2} query-key pairs), then lm_head for the last row.
     */
    private static double prefill(LlamaConfig t, int rows) {
        double d = t.hiddenSize();
        double qDim = (double) t.numAttentionHeads() * t.headDim();
        double kvDim = (double) t.numKeyValueHeads() * t.headDim();
        double projections = 2.0 * rows * (d * (qDim + 2 * kvDim) + qDim * d + 3 * d * t.intermediateSize());
        double attention = 2 * 2 * (rows * (rows + 1.0) / 2) * qDim;
        return t.numHiddenLayers() * (projections + attention) + 2 * d * t.vocabSize();
    }
}
