package vtc.engine.llava;

/**
 * What one request produced.
 *
 * @param inputIds     the prompt ids as given (before the image splice)
 * @param imageTokens  N, the visual tokens the ViT produced
 * @param keptIndices  the patch indices (ascending) whose tokens reached the end of the decoder:
 *                     all of 0..N−1 when nothing was pruned
 * @param generatedIds the generated token ids, in order
 */
public record GenerationResult(int[] inputIds, int imageTokens, int[] keptIndices, int[] generatedIds,
                               Timings timings) {
}
