package vtc.engine.llava;

/**
 * What one request produced.
 *
 * @param inputIds     the prompt ids as given (before the image splice)
 * @param imageTokens  N, the visual tokens the ViT produced
 * @param keptIndices  the patch indices whose tokens reached the end of the decoder, in the
 *                     order the decoder saw them: ascending for the selecting methods, all of
 *                     0..N−1 when nothing was pruned, attention order for the merging ones
 * @param imageRows    how many rows stood for the image in the last decoder layer: the kept
 *                     count, or more when a merging method added rows of its own
 * @param generatedIds the generated token ids, in order
 */
public record GenerationResult(int[] inputIds, int imageTokens, int[] keptIndices, int imageRows,
                               int[] generatedIds, Timings timings) {

    /** The same result, its timings including the preprocessing that came before the engine. */
    public GenerationResult withPreprocess(double ms) {
        return new GenerationResult(inputIds, imageTokens, keptIndices, imageRows, generatedIds, timings.withPreprocess(ms));
    }
}
