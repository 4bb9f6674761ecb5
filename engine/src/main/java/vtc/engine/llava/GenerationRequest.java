package vtc.engine.llava;

import vtc.engine.prune.DecoderTokenSelector;
import vtc.engine.prune.VisualTokenSelector;

/**
 * One prompt to answer, about one image or about none.
 *
 * @param pixelValues      {@code [C, S, S]} normalized pixels, or null for a text-only prompt
 * @param promptIds        token ids with BOS, containing the image token exactly once (none when
 *                         there are no pixels)
 * @param visualSelector   chooses visual tokens before the decoder (VTC-CLS, baselines), or null to keep all
 * @param decoderSelector  FastV inside the decoder, or null
 * @param options          sampling and length
 */
public record GenerationRequest(float[] pixelValues, int[] promptIds, VisualTokenSelector visualSelector,
                                DecoderTokenSelector decoderSelector, GenerationOptions options) {

    public GenerationRequest {
        if (promptIds == null) {
            throw new InvalidRequestException("promptIds are missing");
        }
        if (options == null) {
            throw new InvalidRequestException("options are missing");
        }
    }
}
