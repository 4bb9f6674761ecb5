package vtc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vtc.engine.llava.Conversation;
import vtc.engine.llava.Conversation.Message;
import vtc.engine.llava.Conversation.Role;
import vtc.engine.llava.GenerationOptions;
import vtc.api.Llava;
import vtc.pruning.KeepBudget;

/**
 * The server through a real OpenAI client (LangChain4j's OpenAI module, over HTTP on loopback):
 * every answer must be the library's greedy answer to the same conversation, token for token.
 */
class OpenAiClientTest {

    private static final int MAX_TOKENS = 12;
    private static final String KEY = "test-key";
    private static final PruningChoice DEFAULT_PRUNING = new PruningChoice("vtc-cls", 3, KeepBudget.count(16));
    private static TinyModelServer tiny;

    @BeforeAll
    static void start() throws IOException {
        tiny = new TinyModelServer(TinyModelServer.settings().withApiKey(KEY).withPruning(DEFAULT_PRUNING));
    }

    @AfterAll
    static void stop() {
        tiny.close();
    }

    private static ChatModel client() {
        return OpenAiChatModel.builder().baseUrl(tiny.baseUrl()).apiKey(KEY).modelName(TinyModelServer.MODEL_ID)
                .temperature(0.0).maxTokens(MAX_TOKENS).maxRetries(0).timeout(Duration.ofSeconds(30)).build();
    }

    /** The library's answer: same conversation, greedy, the server's default pruning when there is an image. */
    private static Llava.Result library(Conversation conversation, boolean image) {
        Llava.Request request = Llava.Request.of(conversation).withOptions(GenerationOptions.greedy(MAX_TOKENS));
        if (image) {
            request = request.withImage(TinyModelServer.IMAGE).withSelector(DEFAULT_PRUNING.selector(0));
        }
        return tiny.llava.generate(request, null);
    }

    @Test
    void plainChatIsTheLibrarysGreedyAnswer() {
        ChatResponse response = client().chat(SystemMessage.from("Answer briefly."), UserMessage.from("Hello there"),
                AiMessage.from("Hi."), UserMessage.from("What is 2 + 2? </s> <image>"));
        Llava.Result expected = library(new Conversation(List.of(new Message(Role.SYSTEM, "Answer briefly.", false),
                new Message(Role.USER, "Hello there", false), new Message(Role.ASSISTANT, "Hi.", false),
                new Message(Role.USER, "What is 2 + 2? </s> <image>", false))), false);
        assertEquals(expected.text(), response.aiMessage().text());
        assertEquals(expected.finishReason() == Llava.FinishReason.STOP ? FinishReason.STOP : FinishReason.LENGTH,
                response.finishReason());
        assertEquals(expected.generation().generatedIds().length, response.tokenUsage().outputTokenCount());
        assertEquals(expected.generation().inputIds().length, response.tokenUsage().inputTokenCount());
    }

    @Test
    void streamedChatIsTheLibrarysGreedyAnswer() throws Exception {
        var streaming = OpenAiStreamingChatModel.builder().baseUrl(tiny.baseUrl()).apiKey(KEY)
                .modelName(TinyModelServer.MODEL_ID).temperature(0.0).maxTokens(MAX_TOKENS)
                .timeout(Duration.ofSeconds(30)).build();
        StringBuilder pieces = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(List.of(UserMessage.from("Tell me a story")), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String text) {
                pieces.append(text);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(30, TimeUnit.SECONDS);
        Llava.Result expected = library(new Conversation(List.of(new Message(Role.USER, "Tell me a story", false))),
                false);
        assertFalse(expected.text().isEmpty());
        assertEquals(expected.text(), pieces.toString());
        assertEquals(expected.text(), response.aiMessage().text());
    }

    @Test
    void imageAsDataUrlIsTheLibrarysAnswerWithTheDefaultPruning() throws IOException {
        String base64 = Base64.getEncoder().encodeToString(Files.readAllBytes(TinyModelServer.IMAGE));
        ChatResponse response = client().chat(UserMessage.from(TextContent.from("What is in the picture?"),
                ImageContent.from(base64, "image/png")));
        Llava.Result expected = library(new Conversation(List.of(
                new Message(Role.USER, "What is in the picture?", true))), true);
        assertEquals(16, expected.generation().keptIndices().length);
        assertEquals(expected.text(), response.aiMessage().text());
        // prompt tokens = text ids without the <image> placeholder + the 16 kept image tokens
        assertEquals(expected.generation().inputIds().length - 1 + 16, response.tokenUsage().inputTokenCount());
    }

    @Test
    void aBadRequestReachesTheClientAsAnErrorNamingTheField() {
        ChatModel hot = OpenAiChatModel.builder().baseUrl(tiny.baseUrl()).apiKey(KEY)
                .modelName(TinyModelServer.MODEL_ID).temperature(7.0).maxRetries(0).build();
        RuntimeException e = assertThrows(RuntimeException.class, () -> hot.chat("hi"));
        assertTrue(e.getMessage().contains("temperature: must be in [0, 2], got 7.0"), e.getMessage());
        ChatModel unknown = OpenAiChatModel.builder().baseUrl(tiny.baseUrl()).apiKey(KEY)
                .modelName("gpt-4o").maxRetries(0).build();
        RuntimeException e2 = assertThrows(RuntimeException.class, () -> unknown.chat("hi"));
        assertTrue(e2.getMessage().contains("gpt-4o") && e2.getMessage().contains("does not exist"), e2.getMessage());
        ChatModel wrongKey = OpenAiChatModel.builder().baseUrl(tiny.baseUrl()).apiKey("nope")
                .modelName(TinyModelServer.MODEL_ID).maxRetries(0).build();
        RuntimeException e3 = assertThrows(RuntimeException.class, () -> wrongKey.chat("hi"));
        assertTrue(e3.getMessage().contains("incorrect API key"), e3.getMessage());
    }
}
