package vtc.engine.llava;

import vtc.engine.text.KvCache;
import vtc.engine.text.LlamaConfig;
import vtc.engine.vision.ClipVisionConfig;

/**
 * What one request allocates, from the shapes alone: its KV cache, the decoder's prefill
 * activations (every prompt row through one layer at a time: q, k, v, attention output, gate and
 * up projections, norms, plus per-head score rows over the cache), the ViT's activations over its
 * N + 1 tokens, and the logits. An upper bound: pruning only makes the prompt shorter.
 *
 * @param positions the KV cache's capacity: prompt rows (the image as N rows) + new tokens
 */
record RequestMemory(long positions, long kvCacheBytes, long activationBytes) {

    static RequestMemory of(LlavaConfig config, int promptIds, int maxNewTokens) {
        LlamaConfig t = config.text();
        ClipVisionConfig v = config.vision();
        long n = v.numPatches();
        long promptRows = promptIds - 1L + n;
        long positions = promptRows + Math.max(1, maxNewTokens);
        long kvDim = (long) t.numKeyValueHeads() * t.headDim();
        long qDim = (long) t.numAttentionHeads() * t.headDim();
        long kv = KvCache.bytes(t.numHiddenLayers(), (int) kvDim, positions);
        long decoderFloats = promptRows * (3L * t.hiddenSize() + 2 * qDim + 2 * kvDim + 2L * t.intermediateSize())
                + 3L * t.numAttentionHeads() * positions + 2L * t.vocabSize();
        long visionFloats = (n + 1) * (6L * v.hiddenSize() + v.intermediateSize()) + n * (v.hiddenSize() + t.hiddenSize());
        return new RequestMemory(positions, kv, Float.BYTES * (decoderFloats + visionFloats));
    }

    long bytes() {
        return kvCacheBytes + activationBytes;
    }

    /** How a refusal describes it. */
    String describe() {
        return "the request (KV cache of " + MemoryAdmission.megabytes(kvCacheBytes) + " for " + positions
                + " positions, activations " + MemoryAdmission.megabytes(activationBytes) + ")";
    }
}
