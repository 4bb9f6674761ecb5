package vtc.engine.llava;

/**
 * Wall-clock milliseconds of one request's stages.
 *
 * @param visionMs  the ViT up to the feature layer
 * @param pruneMs   the visual selector's choice and the compaction of the kept features
 * @param prefillMs projector, prompt embedding and the decoder over the prompt (first logits included)
 * @param decodeMs  the one-token steps after the first generated token
 */
public record Timings(double visionMs, double pruneMs, double prefillMs, double decodeMs) {
}
