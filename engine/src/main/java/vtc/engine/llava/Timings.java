package vtc.engine.llava;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall-clock milliseconds of one request's stages. Time to first token is everything but
 * {@code decodeMs}.
 *
 * @param preprocessMs turning the image file into pixels (0 when the caller gave pixels; the
 *                     engine itself starts from pixels)
 * @param visionMs     the ViT up to the feature layer
 * @param pruneMs      the selection's choice before the projector and the compaction of the kept rows
 * @param prefillMs    projector, prompt embedding and the decoder over the prompt (first logits included)
 * @param decodeMs     the one-token steps after the first generated token
 */
public record Timings(double preprocessMs, double visionMs, double pruneMs, double prefillMs, double decodeMs) {

    public double firstTokenMs() {
        return preprocessMs + visionMs + pruneMs + prefillMs;
    }

    /** The stages by name in the order they run: preprocess, vision, prune, prefill, decode. */
    public Map<String, Double> byStage() {
        Map<String, Double> ms = new LinkedHashMap<>();
        ms.put("preprocess", preprocessMs);
        ms.put("vision", visionMs);
        ms.put("prune", pruneMs);
        ms.put("prefill", prefillMs);
        ms.put("decode", decodeMs);
        return ms;
    }

    /** The same timings with the preprocessing that came before the engine. */
    public Timings withPreprocess(double ms) {
        return new Timings(ms, visionMs, pruneMs, prefillMs, decodeMs);
    }
}
