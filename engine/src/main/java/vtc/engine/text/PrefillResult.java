package vtc.engine.text;

/**
 * What a prefill leaves behind: the number of rows still in the activations (fewer than the
 * prompt when FastV dropped image tokens; the last one is the last prompt token) and, with
 * FastV, the kept image token indices (ascending), otherwise null.
 */
public record PrefillResult(int rows, int[] keptImageIndices) {
}
