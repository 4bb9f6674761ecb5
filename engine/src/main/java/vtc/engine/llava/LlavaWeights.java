package vtc.engine.llava;

import vtc.engine.text.LlamaWeights;
import vtc.engine.vision.ClipVisionWeights;

/** All weights of a LLaVA checkpoint, as views into its mapping. */
public record LlavaWeights(ClipVisionWeights vision, ProjectorWeights projector, LlamaWeights text) {
}
