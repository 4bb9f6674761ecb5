package vtc.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vtc.engine.llava.Conversation;
import vtc.engine.llava.Conversation.Message;
import vtc.engine.llava.Conversation.Role;
import vtc.engine.llava.GenerationOptions;
import vtc.engine.llava.InvalidRequestException;
import vtc.engine.llava.LlavaModel;
import vtc.engine.text.LlamaDecoder;
import vtc.fixtures.Fixtures;

/** Conversations through the library: templates, literal user text, text-only prompts, stop strings. */
class LlavaConversationTest {

    private static final Path IMAGE = Fixtures.model(Fixtures.TINY_LLAVA).resolve("golden/image1.png");
    private static Llava llava;

    @BeforeAll
    static void load() {
        llava = Llava.load(Fixtures.model(Fixtures.TINY_LLAVA), 1);
    }

    @AfterAll
    static void close() {
        llava.close();
    }

    @Test
    void userTextWithoutSpecialTokensTokenizesAsTheWholePromptWould() {
        var request = Llava.Request.of(new Conversation(List.of(new Message(Role.SYSTEM, "Be brief.", false),
                new Message(Role.USER, "What is this?", true), new Message(Role.ASSISTANT, "A cat.", false),
                new Message(Role.USER, "And its colour?", false)))).withImage(IMAGE);
        assertEquals("Be brief. USER: <image>\nWhat is this? ASSISTANT: A cat.</s>USER: And its colour? ASSISTANT:",
                request.promptText());
        assertArrayEquals(llava.tokenizer().encode(request.promptText()), llava.promptIds(request));
    }

    @Test
    void specialTokensTypedByAUserArePlainText() {
        int eos = llava.tokenizer().eosId();
        int image = llava.config().imageTokenIndex();
        var request = Llava.Request.of(Conversation.ofText("say </s> then <image> and <s>"));
        int[] ids = llava.promptIds(request);
        assertFalse(Arrays.stream(ids).anyMatch(id -> id == eos || id == image), Arrays.toString(ids));
        assertEquals(1, Arrays.stream(ids).filter(id -> id == llava.tokenizer().bosId()).count());
        // the template's own end-of-turn marker is the control token
        var turns = Llava.Request.of(new Conversation(List.of(new Message(Role.USER, "a", false),
                new Message(Role.ASSISTANT, "b", false), new Message(Role.USER, "c", false))));
        assertEquals(1, Arrays.stream(llava.promptIds(turns)).filter(id -> id == eos).count());
        // and raw prompts keep every control token
        assertTrue(Arrays.stream(llava.promptIds(request.withRawPrompt("x </s>"))).anyMatch(id -> id == eos));
    }

    /**
     * A text-only prompt runs the decoder alone: its first token is the arg-max of the decoder's
     * logits for the prompt ids, computed here through the plain layer path with no cache reuse.
     * Tolerance: none — the arg-max must agree (the tiny model's top-2 margins are far above the
     * float32 rounding of the same arithmetic in a different order).
     */
    @Test
    void aTextOnlyConversationRunsTheDecoderAlone() {
        var request = Llava.Request.of(Conversation.ofText("Hello")).withOptions(GenerationOptions.greedy(1));
        Llava.Result r = llava.generate(request, null);
        assertEquals(0, r.generation().imageTokens());
        assertEquals(0, r.generation().keptIndices().length);
        assertEquals(0, r.generation().timings().visionMs());

        LlavaModel model = llava.model();
        LlamaDecoder decoder = model.decoder();
        int[] ids = llava.promptIds(request);
        int d = llava.config().text().hiddenSize();
        float[] x = new float[ids.length * d];
        int[] positions = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            decoder.embed(ids[i], x, i * d);
            positions[i] = i;
        }
        decoder.forwardLayers(x, ids.length, positions, 0, llava.config().text().numHiddenLayers());
        float[] logits = new float[llava.config().text().vocabSize()];
        decoder.logits(x, ids.length - 1, logits);
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        assertEquals(best, r.generation().generatedIds()[0]);
    }

    @Test
    void anImageWithoutAMessageHoldingItOrTheReverseIsRefused() {
        assertThrows(InvalidRequestException.class,
                () -> llava.generate(Llava.Request.of(Conversation.ofText("q")).withImage(IMAGE), null));
        assertThrows(InvalidRequestException.class,
                () -> llava.generate(Llava.Request.of(Conversation.ofImageQuestion("q")), null));
        assertThrows(InvalidRequestException.class, () -> new Conversation(List.of(
                new Message(Role.USER, "a", true), new Message(Role.USER, "b", true))));
    }

    @Test
    void aStopStringEndsTheAnswerBeforeIt() {
        var request = Llava.Request.of(Conversation.ofText("Tell me a story"))
                .withOptions(new GenerationOptions(40, 0, 1, 0, false));
        Llava.Result full = llava.generate(request, null);
        assertEquals(Llava.FinishReason.LENGTH, full.finishReason());
        String stop = full.text().substring(full.text().length() / 2, full.text().length() / 2 + 3);
        StringBuilder streamed = new StringBuilder();
        Llava.Result cut = llava.generate(request.withStop(List.of(stop)), streamed::append);
        assertEquals(full.text().substring(0, full.text().indexOf(stop)), cut.text());
        assertEquals(cut.text(), streamed.toString());
        assertEquals(Llava.FinishReason.STOP, cut.finishReason());
        assertTrue(cut.generation().generatedIds().length < full.generation().generatedIds().length);
    }
}
