package vtc.engine.llava;

import vtc.engine.prune.TokenSelector;

/**
 * One image and one prompt to answer.
 *
 * @param pixelValues {@code [C, S, S]} normalized pixels
 * @param promptIds   token ids with BOS, containing the image token exactly once
 * @param selector    chooses the visual tokens the decoder sees (VTC-CLS, a baseline, FastV,
 *                    PruMerge), or null to keep all of them
 * @param options     sampling and length
 */
public record GenerationRequest(float[] pixelValues, int[] promptIds, TokenSelector selector,
                                GenerationOptions options) {

    public GenerationRequest {
        if (pixelValues == null) {
            throw new InvalidRequestException("pixelValues are missing");
        }
        if (promptIds == null) {
            throw new InvalidRequestException("promptIds are missing");
        }
        if (options == null) {
            throw new InvalidRequestException("options are missing");
        }
    }
}
