package vtc.engine.llava;

import java.util.List;

/**
 * The messages of a chat so far, ending with the user's turn the model answers next: an optional
 * system message first, then user and assistant messages, and at most one image, attached to a
 * user message. Text is the speakers' own: a {@code <image>} or {@code </s>} typed in it is just
 * text, never a control token (see {@link PromptTemplate#render}).
 */
public record Conversation(List<Message> messages) {

    public enum Role { SYSTEM, USER, ASSISTANT }

    /**
     * One message.
     *
     * @param image whether the conversation's image belongs to this message (placed before its text)
     */
    public record Message(Role role, String text, boolean image) {
        public Message {
            if (role == null || text == null) {
                throw new InvalidRequestException("a message needs a role and a text");
            }
            if (image && role != Role.USER) {
                throw new InvalidRequestException("only a user message can hold the image, not a "
                        + role.name().toLowerCase(java.util.Locale.ROOT) + " message");
            }
        }
    }

    public Conversation {
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new InvalidRequestException("messages: a conversation needs at least one message");
        }
        int images = 0;
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (m.role() == Role.SYSTEM && i > 0) {
                throw new InvalidRequestException("messages[" + i + "]: a system message may only come first");
            }
            if (m.image() && ++images > 1) {
                throw new InvalidRequestException("messages[" + i + "]: a conversation holds at most one image");
            }
        }
        if (messages.getLast().role() != Role.USER) {
            throw new InvalidRequestException("messages[" + (messages.size() - 1)
                    + "]: the last message must be the user's (the model answers it)");
        }
    }

    /** One question about one image: the single-turn conversation of LLaVA's evaluation. */
    public static Conversation ofImageQuestion(String question) {
        return new Conversation(List.of(new Message(Role.USER, question, true)));
    }

    /** One question without an image. */
    public static Conversation ofText(String question) {
        return new Conversation(List.of(new Message(Role.USER, question, false)));
    }

    /** Whether a message holds the image. */
    public boolean hasImage() {
        return messages.stream().anyMatch(Message::image);
    }
}
