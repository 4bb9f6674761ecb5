package vtc.engine.llava;

import vtc.engine.prune.TokenSelector;

/**
 * One prompt to answer, about one image or about none.
 *
 * @param pixelValues {@code [C, S, S]} normalized pixels, or null for a text-only prompt
 * @param promptIds   token ids with BOS, containing the image token exactly once (none when
 *                    there are no pixels)
 * @param selector    chooses the visual tokens the decoder sees (VTC-CLS, a baseline, FastV,
 *                    PruMerge), or null to keep all of them
 * @param options     sampling and length
 */
public record GenerationRequest(float[] pixelValues, int[] promptIds, TokenSelector selector,
                                GenerationOptions options) {

    public GenerationRequest {
        if (promptIds == null) {
            throw new InvalidRequestException("promptIds are missing");
        }
        if (options == null) {
            throw new InvalidRequestException("options are missing");
        }
    }
}
