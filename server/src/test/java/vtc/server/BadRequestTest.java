package vtc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad request of the README's table gets its status and an OpenAI error object whose
 * message names the field; the server keeps answering afterwards.
 */
class BadRequestTest {

    private static final long BODY_LIMIT = 256 * 1024;
    private static TinyModelServer tiny;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static String image;

    @BeforeAll
    static void start() throws IOException {
        tiny = new TinyModelServer(TinyModelServer.settings().withMaxBodyBytes(BODY_LIMIT));
        image = TinyModelServer.imageDataUrl();
    }

    @AfterAll
    static void stop() {
        tiny.close();
    }

    private static String user(String content) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":" + content + "}],\"max_tokens\":2}";
    }

    private static String imagePart(String url) {
        return "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + url + "\"}}";
    }

    static Stream<Arguments> table() {
        String text = "{\"type\":\"text\",\"text\":\"hi\"}";
        return Stream.of(
                Arguments.of("malformed JSON", "{\"messages\": [", 400, null, "the request body is not valid JSON"),
                Arguments.of("body not an object", "[1, 2]", 400, null, "the request body must be a JSON object"),
                Arguments.of("no messages", "{\"model\":\"tiny-llava\"}", 400, "messages", "messages: is required"),
                Arguments.of("messages not an array", "{\"messages\":\"hi\"}", 400, "messages",
                        "messages: must be an array"),
                Arguments.of("empty messages", "{\"messages\":[]}", 400, "messages",
                        "messages: must hold at least one message"),
                Arguments.of("unknown role", "{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}", 400,
                        "messages[0].role", "messages[0].role: must be system, user or assistant"),
                Arguments.of("content of the wrong type", user("42"), 400, "messages[0].content",
                        "messages[0].content: must be a string or an array of parts"),
                Arguments.of("unknown part type", user("[{\"type\":\"audio\"}]"), 400, "messages[0].content[0].type",
                        "must be \"text\" or \"image_url\""),
                Arguments.of("last message not the user's",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"}]}",
                        400, "messages", "the last message must be the user's"),
                Arguments.of("max_tokens of the wrong type",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"max_tokens\":\"ten\"}", 400,
                        "max_tokens", "max_tokens: must be an integer"),
                Arguments.of("negative max_tokens",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"max_tokens\":-5}", 400,
                        "max_tokens", "max_tokens: must be >= 0, got -5"),
                Arguments.of("max_tokens beyond the context",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"max_tokens\":100000}", 400,
                        "max_tokens", "max_tokens: 100000 leaves no room for the prompt in the model's context of 512 positions"),
                Arguments.of("temperature out of range",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"temperature\":3}", 400,
                        "temperature", "temperature: must be in [0, 2], got 3.0"),
                Arguments.of("top_p out of range",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"top_p\":0}", 400, "top_p",
                        "top_p: must be in (0, 1]"),
                Arguments.of("stop of the wrong type",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"stop\":7}", 400, "stop",
                        "stop: must be a string or an array of strings"),
                Arguments.of("several choices",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"n\":2}", 400, "n",
                        "n: only one choice per request is supported"),
                Arguments.of("two images", user("[" + text + "," + imagePart(image) + "," + imagePart(image) + "]"),
                        400, "messages[0].content[2]",
                        "messages[0].content[2]: a conversation holds at most one image (the first is messages[0].content[1])"),
                Arguments.of("image URL that is not a data URL", user("[" + imagePart("https://example.com/cat.png") + "]"),
                        400, "messages[0].content[0].image_url.url", "the server fetches no URLs or files"),
                Arguments.of("image not base64", user("[" + imagePart("data:image/png;base64,@@not base64@@") + "]"),
                        400, "messages[0].content[0].image_url.url", "not valid base64"),
                Arguments.of("image bytes not PNG or JPEG", user("[" + imagePart("data:image/png;base64,"
                                + Base64.getEncoder().encodeToString("plain text, not an image".getBytes())) + "]"),
                        400, "messages[0].content[0].image_url.url", "not an image format this engine reads"),
                Arguments.of("image in an assistant message", "{\"messages\":[{\"role\":\"assistant\",\"content\":["
                                + imagePart(image) + "]},{\"role\":\"user\",\"content\":\"a\"}]}", 400,
                        "messages[0].content[0]", "only a user message can hold an image"),
                Arguments.of("unknown pruning method",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"vtc\":{\"method\":\"magic\"}}", 400,
                        "vtc.method", "vtc.method: unknown method \"magic\"; expected one of vtc-cls, fastv, prumerge, prumerge+, random, uniform, none"),
                Arguments.of("keep budget below one",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"vtc\":{\"method\":\"vtc-cls\",\"keep\":0}}", 400,
                        "vtc.keep", "vtc.keep: U must be at least 1, got 0"),
                Arguments.of("unknown model",
                        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}", 404, "model",
                        "the model \"gpt-4o\" does not exist"),
                Arguments.of("body above the limit", user("\"" + "x".repeat((int) BODY_LIMIT) + "\""), 413, null,
                        "larger than the server's limit of 262144 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void isRefusedWithItsStatusAndAMessageNamingTheField(String what, String body, int status, String param,
                                                         String message) throws Exception {
        HttpResponse<String> response = post("/v1/chat/completions", body);
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonObject error = JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("error");
        assertTrue(error.get("message").getAsString().contains(message), error.toString());
        assertEquals(param, error.get("param").isJsonNull() ? null : error.get("param").getAsString());
        assertTrue(error.has("type"));
        // and the server is still there
        assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create(root() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void wrongHttpMethodIs405AndUnknownPathIs404() throws Exception {
        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(root() + "/v1/chat/completions")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertEquals(404, post("/v1/embeddings", "{}").statusCode());
    }

    @Test
    void specialTokensTypedByTheUserArePlainText() throws Exception {
        // "<image>" typed by a user in a text-only chat would be a second image token if it were a control token
        HttpResponse<String> response = post("/v1/chat/completions", user("[" + imagePart(image)
                + ",{\"type\":\"text\",\"text\":\"what is <image> and </s> <s>?\"}]"));
        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void modelsHealthAndMetricsAnswer() throws Exception {
        HttpResponse<String> models = HTTP.send(HttpRequest.newBuilder(URI.create(root() + "/v1/models")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, models.statusCode());
        assertEquals(TinyModelServer.MODEL_ID, JsonParser.parseString(models.body()).getAsJsonObject()
                .getAsJsonArray("data").get(0).getAsJsonObject().get("id").getAsString());
        assertEquals(200, post("/v1/chat/completions", user("\"hello\"")).statusCode());
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(root() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String line : new String[] {"# TYPE vtc_requests_total counter", "vtc_requests_total{outcome=\"ok\"} ",
                "vtc_requests_total{outcome=\"bad_request\"} ", "vtc_prompt_tokens_total ", "vtc_generated_tokens_total ",
                "vtc_requests_in_flight 0", "vtc_queue_length 0", "# TYPE vtc_time_to_first_token_seconds histogram",
                "vtc_time_to_first_token_seconds_bucket{le=\"+Inf\"} ", "vtc_token_latency_seconds_count "}) {
            assertTrue(metrics.contains(line), line + " missing from\n" + metrics);
        }
    }

    private static String root() {
        return "http://127.0.0.1:" + tiny.server.port();
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(root() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
