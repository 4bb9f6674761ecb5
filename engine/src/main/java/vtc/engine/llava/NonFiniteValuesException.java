package vtc.engine.llava;

/**
 * A stage of a request produced NaN or infinite values, which would otherwise flow on silently and
 * end as a confident answer of token 0. Raised where the values first appear, naming the stage and
 * the file that most likely caused them (weights that overflow, a preprocessor config that divides
 * by almost nothing), so that a broken model is reported instead of answered from.
 */
public class NonFiniteValuesException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Where in the request non-finite values can first appear, and what most likely put them there. */
    public enum Stage {
        PIXEL_VALUES("the pixel values",
                "preprocessor_config.json (image_mean, image_std, rescale_factor) or the pixel values given"),
        VISION_FEATURES("the vision tower's output",
                "the vision tower's weights (vision_tower.* in the model's safetensors files)"),
        PRUNING_SCORES("the pruning scores ([CLS] or last-token attention)",
                "the vision tower's or decoder's weights in the model's safetensors files"),
        IMAGE_TOKENS("the projector's output",
                "the projector's weights (multi_modal_projector.* in the model's safetensors files)"),
        LOGITS("the decoder's logits",
                "the decoder's weights (language_model.* in the model's safetensors files)");

        private final String what;
        private final String likelyCause;

        Stage(String what, String likelyCause) {
            this.what = what;
            this.likelyCause = likelyCause;
        }
    }

    private final Stage stage;

    public NonFiniteValuesException(Stage stage, String detail) {
        super(stage.what + " " + detail + "; most likely cause: " + stage.likelyCause);
        this.stage = stage;
    }

    public Stage stage() {
        return stage;
    }
}
