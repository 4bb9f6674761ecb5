package vtc.engine.llava;

/**
 * How a question becomes LLaVA-1.5 prompt text with its one {@code <image>} placeholder
 * (docs/semantics.md, "Projector and prompt").
 */
public enum PromptTemplate {

    /** The llava-hf checkpoints' chat template. */
    LLAVA_HF(""),
    /** The original LLaVA-1.5 evaluation template, used by the paper. */
    VICUNA_V1("A chat between a curious user and an artificial intelligence assistant. The assistant gives "
            + "helpful, detailed, and polite answers to the user's questions. ");

    /** The text the tokenizer turns into the image token. */
    public static final String IMAGE_PLACEHOLDER = "<image>";

    private final String system;

    PromptTemplate(String system) {
        this.system = system;
    }

    /** The prompt text for {@code question}: the image comes first in the user turn. */
    public String format(String question) {
        return system + "USER: " + IMAGE_PLACEHOLDER + "\n" + question + " ASSISTANT:";
    }
}
