package vtc.engine.llava;

import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link Conversation} becomes LLaVA-1.5 prompt text. Both templates are the Vicuna v1
 * conversation LLaVA-1.5 was tuned on: {@code SYSTEM USER: <image>\nQ1 ASSISTANT: A1</s>USER: Q2
 * ASSISTANT:}; they differ in the system text used when the conversation brings none.
 *
 * <p>{@link #render} keeps the template's markup apart from the speakers' text, so the tokenizer
 * can treat {@code <image>} and {@code </s>} as control tokens in the markup only.
 */
public enum PromptTemplate {

    /** The llava-hf checkpoints' chat template: no default system text. */
    LLAVA_HF(""),
    /** The original LLaVA-1.5 evaluation template, used by the paper. */
    VICUNA_V1("A chat between a curious user and an artificial intelligence assistant. The assistant gives "
            + "helpful, detailed, and polite answers to the user's questions.");

    /** The text the tokenizer turns into the image token. */
    public static final String IMAGE_PLACEHOLDER = "<image>";
    /** What closes an assistant turn. */
    public static final String END_OF_TURN = "</s>";

    /**
     * A stretch of prompt text.
     *
     * @param markup true for the template's own text (its added tokens are control tokens), false
     *               for a speaker's text (taken literally)
     */
    public record Piece(String text, boolean markup) {
    }

    private final String defaultSystem;

    PromptTemplate(String defaultSystem) {
        this.defaultSystem = defaultSystem;
    }

    /** The prompt text for one question about the image (the image comes first in the user turn). */
    public String format(String question) {
        return text(render(Conversation.ofImageQuestion(question)));
    }

    /** The prompt of {@code conversation}, ending with the cue for the assistant's answer. */
    public List<Piece> render(Conversation conversation) {
        List<Piece> pieces = new ArrayList<>();
        List<Conversation.Message> messages = conversation.messages();
        int first = 0;
        if (messages.getFirst().role() == Conversation.Role.SYSTEM) {
            pieces.add(new Piece(messages.getFirst().text(), false));
            pieces.add(new Piece(" ", true));
            first = 1;
        } else if (!defaultSystem.isEmpty()) {
            pieces.add(new Piece(defaultSystem + " ", true));
        }
        for (Conversation.Message m : messages.subList(first, messages.size())) {
            if (m.role() == Conversation.Role.USER) {
                pieces.add(new Piece("USER: " + (m.image() ? IMAGE_PLACEHOLDER + "\n" : ""), true));
                pieces.add(new Piece(m.text(), false));
                pieces.add(new Piece(" ", true));
            } else {
                pieces.add(new Piece("ASSISTANT: ", true));
                pieces.add(new Piece(m.text(), false));
                pieces.add(new Piece(END_OF_TURN, true));
            }
        }
        pieces.add(new Piece("ASSISTANT:", true));
        return pieces;
    }

    /** The pieces joined: the prompt as one string. */
    public static String text(List<Piece> pieces) {
        StringBuilder s = new StringBuilder();
        pieces.forEach(p -> s.append(p.text()));
        return s.toString();
    }
}
