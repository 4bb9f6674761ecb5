package vtc.loaders.checkpoint;

import java.util.Set;

/**
 * The two ways LLaVA checkpoints name their tensors. The project speaks the llava-hf names
 * (transformers &lt; 4.52); checkpoints saved by transformers &ge; 4.52 move everything under
 * {@code model.}, drop the inner {@code model.} of the language model and put the head at the top.
 */
public enum TensorNaming {

    /** {@code vision_tower.…}, {@code multi_modal_projector.…}, {@code language_model.model.…}, {@code language_model.lm_head.weight}. */
    LLAVA_HF,
    /** {@code model.vision_tower.…}, {@code model.multi_modal_projector.…}, {@code model.language_model.…}, {@code lm_head.weight}. */
    TRANSFORMERS_4_52;

    /** The naming a checkpoint uses, judged by where its token embedding lives. */
    public static TensorNaming detect(Set<String> names) {
        return names.contains(TRANSFORMERS_4_52.stored(RequiredTensors.EMBED_TOKENS)) ? TRANSFORMERS_4_52 : LLAVA_HF;
    }

    /** The name under which this naming stores the tensor the llava-hf layout calls {@code llavaHfName}. */
    public String stored(String llavaHfName) {
        if (this == LLAVA_HF) {
            return llavaHfName;
        }
        if (llavaHfName.equals("language_model.lm_head.weight")) {
            return "lm_head.weight";
        }
        if (llavaHfName.startsWith("language_model.model.")) {
            return "model.language_model." + llavaHfName.substring("language_model.model.".length());
        }
        return "model." + llavaHfName;
    }
}
