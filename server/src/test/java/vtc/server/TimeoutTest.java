package vtc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code --timeout}: a request past the server's limit is stopped and answered 504; the server goes on. */
class TimeoutTest {

    @Test
    void aRequestPastTheLimitGets504() throws Exception {
        try (TinyModelServer tiny = new TinyModelServer(TinyModelServer.settings().withTimeout(Duration.ofNanos(1)))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(tiny.baseUrl()
                    + "/chat/completions")).POST(HttpRequest.BodyPublishers.ofString(
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(504, response.statusCode(), response.body());
            assertTrue(response.body().contains("\"code\":\"timeout\""), response.body());
            assertEquals(1, tiny.server.metrics().requests(ServerMetrics.Outcome.TIMEOUT));
        }
    }
}
