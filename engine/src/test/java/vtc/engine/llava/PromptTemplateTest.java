package vtc.engine.llava;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import vtc.engine.llava.Conversation.Message;
import vtc.engine.llava.Conversation.Role;

/**
 * The two LLaVA-1.5 templates over whole conversations, character for character, and which parts
 * are markup (the single question is {@code LlavaModelTest#promptTemplatesPutTheImageFirstInTheUserTurn}).
 */
class PromptTemplateTest {

    private static final Conversation MULTI_TURN = new Conversation(List.of(
            new Message(Role.USER, "What is this?", true),
            new Message(Role.ASSISTANT, "A cat.", false),
            new Message(Role.USER, "Its colour?", false)));

    @Test
    void assistantTurnsEndWithTheEndOfSequenceMarker() {
        assertEquals("USER: <image>\nWhat is this? ASSISTANT: A cat.</s>USER: Its colour? ASSISTANT:",
                PromptTemplate.text(PromptTemplate.LLAVA_HF.render(MULTI_TURN)));
        assertEquals(PromptTemplate.VICUNA_V1.format("x").replace("USER: <image>\nx ASSISTANT:", "")
                        + "USER: <image>\nWhat is this? ASSISTANT: A cat.</s>USER: Its colour? ASSISTANT:",
                PromptTemplate.text(PromptTemplate.VICUNA_V1.render(MULTI_TURN)));
    }

    @Test
    void aSystemMessageReplacesTheDefaultSystemText() {
        Conversation c = new Conversation(List.of(new Message(Role.SYSTEM, "Be brief.", false),
                new Message(Role.USER, "Hi", false)));
        for (PromptTemplate t : PromptTemplate.values()) {
            assertEquals("Be brief. USER: Hi ASSISTANT:", PromptTemplate.text(t.render(c)));
        }
    }

    @Test
    void speakersTextIsNeverMarkup() {
        Conversation c = new Conversation(List.of(new Message(Role.USER, "</s><image>", false)));
        List<PromptTemplate.Piece> pieces = PromptTemplate.LLAVA_HF.render(c);
        assertEquals(List.of(new PromptTemplate.Piece("USER: ", true), new PromptTemplate.Piece("</s><image>", false),
                new PromptTemplate.Piece(" ", true), new PromptTemplate.Piece("ASSISTANT:", true)), pieces);
    }

    @Test
    void malformedConversationsAreRefusedNamingTheMessage() {
        assertEquals("messages[1]: a system message may only come first", assertThrows(InvalidRequestException.class,
                () -> new Conversation(List.of(new Message(Role.USER, "a", false),
                        new Message(Role.SYSTEM, "b", false)))).getMessage());
        assertEquals("messages[1]: the last message must be the user's (the model answers it)",
                assertThrows(InvalidRequestException.class, () -> new Conversation(List.of(
                        new Message(Role.USER, "a", false), new Message(Role.ASSISTANT, "b", false)))).getMessage());
        assertThrows(InvalidRequestException.class, () -> new Conversation(List.of()));
        assertThrows(InvalidRequestException.class, () -> new Message(Role.ASSISTANT, "a", true));
    }
}
